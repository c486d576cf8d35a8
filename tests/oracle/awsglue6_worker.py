"""awsglue 6.0.0's `getResolvedOptions`, in a process of its own (see test_arguments.py).

awsglue 6.0.0 (Glue 6.0) declares Python 3.13 and imports PySpark 4's module layout; Debian 12
has no Python 3.13, so `cargo xtask oracle` installs the package with `--ignore-requires-python`
into `AWSGLUE6_PATH` (apart from the venv's awsglue 5.1), and this worker maps the three PySpark 4
module names it imports onto PySpark 3.5's. Only `getResolvedOptions` is called: pure Python, on
this Python's argparse (3.11, not Glue 6.0's 3.13). Reads one JSON case per line
(`{"argv": [...], "required": [...]}`), answers `{"resolved": {...}}` or `{"error": "..."}`.
"""

import json
import os
import sys
import types

sys.path.insert(0, os.environ["AWSGLUE6_PATH"])
import pyspark.context
import pyspark.rdd
import pyspark.sql.column

for name, module in {
    "pyspark.core": types.ModuleType("pyspark.core"),
    "pyspark.core.context": pyspark.context,
    "pyspark.core.rdd": pyspark.rdd,
    "pyspark.sql.classic": types.ModuleType("pyspark.sql.classic"),
    "pyspark.sql.classic.column": pyspark.sql.column,
}.items():
    sys.modules.setdefault(name, module)

from awsglue.utils import getResolvedOptions  # noqa: E402

for line in sys.stdin:
    case = json.loads(line)
    try:
        resolved = getResolvedOptions(case["argv"], case["required"])
        answer = {"resolved": {k: None if v is None else str(v) for k, v in resolved.items()}}
    except BaseException as e:  # GlueArgumentError, RuntimeError, argparse errors, SystemExit
        answer = {"error": str(e)}
    print(json.dumps(answer), flush=True)
