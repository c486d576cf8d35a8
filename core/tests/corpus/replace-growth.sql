SELECT length(replace(replace(lpad('x', 1000, 'x'), 'x', lpad('x', 1000, 'x')), 'x', lpad('x', 1000, 'x'))) FROM devices_data_analystics.devices_integrated_data
