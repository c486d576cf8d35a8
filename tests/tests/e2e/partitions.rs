//! The partitioned example played with its own buttons at a projector's size: a pruned
//! partition, a late file in an old one, a new folder the catalog does not hold (badged "not
//! registered" in the S3 tree), MSCK REPAIR TABLE, and the run that reads it. The S3 panel's own
//! "Register partitions" button answers once nothing is left to add.

use gluelab_tests::e2e::*;

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn the_partitioned_tour_prunes_tracks_and_registers() {
    let (_server, browser) = open_seed_workbench_at(1280, 720).await;
    browser.open_example("partitioned-orders").await;
    browser.wait_text("#job-name", |t| t == "orders-2026-etl").await;
    browser.at_tour_step(1, 7).await;
    // The table's folder is chosen: it can be repaired from the S3 panel.
    browser.find("#repair-partitions").await;

    // Run 1: December 2025 pruned by push_down_predicate, January read.
    browser.click("#tour-next").await;
    browser.at_tour_step(2, 7).await;
    let verdicts = browser.wait_text("#verdicts", |t| t.contains("was pruned by")).await;
    assert!(
        verdicts.contains("its partition year=2025/month=12/ was pruned by the source's push_down_predicate"),
        "{verdicts}"
    );
    assert!(
        verdicts.contains("orders-1.json was read: no committed run had processed it yet"),
        "{verdicts}"
    );
    browser.screenshot_after_spotlight("partitions-01-pruned-as-seen").await;

    // The late January file is read, January's first is skipped.
    browser.click("#tour-next").await;
    browser.at_tour_step(3, 7).await;
    browser.click("#tour-next").await;
    browser.at_tour_step(4, 7).await;
    let verdicts = browser
        .wait_text("#verdicts", |t| t.contains("orders-2.json was read"))
        .await;
    assert!(verdicts.contains("orders-1.json was skipped"), "{verdicts}");
    assert!(verdicts.contains("year=2025/month=12/ was pruned"), "{verdicts}");

    // February lands in a folder the catalog does not hold: the tree warns.
    browser.click("#tour-next").await;
    browser.at_tour_step(5, 7).await;
    let tree = browser
        .wait_text("#s3-tree", |t| t.to_lowercase().contains("not registered"))
        .await;
    assert!(tree.contains("month=02"), "{tree}");
    let titles: Vec<String> = browser
        .script("return [...document.querySelectorAll('.role-badge.warn')].map(b => b.title)")
        .await;
    assert_eq!(titles.len(), 1, "{titles:?}");
    assert!(titles[0].contains("year=2026/month=02/"), "{titles:?}");
    let low = browser.low_contrast_text().await;
    assert!(!low.iter().any(|l| l.to_lowercase().contains("registered")), "{low:?}");
    browser
        .screenshot_after_spotlight("partitions-02-not-registered-as-seen")
        .await;

    // Run 3: February is not read, and the explain panel says why.
    browser.click("#tour-next").await;
    browser.at_tour_step(6, 7).await;
    let verdicts = browser
        .wait_text("#verdicts", |t| t.contains("is not a partition in the catalog yet"))
        .await;
    assert!(
        verdicts.contains("its folder year=2026/month=02/ is not a partition in the catalog yet"),
        "{verdicts}"
    );
    browser
        .screenshot_after_spotlight("partitions-03-not-a-partition-as-seen")
        .await;

    // MSCK REPAIR TABLE registers it: the badge says "partition".
    browser.click("#tour-next").await;
    browser.at_tour_step(7, 7).await;
    browser
        .wait_text("#tour-outcome", |t| {
            t.contains("MSCK REPAIR TABLE lake.orders: added year=2026/month=02/")
        })
        .await;
    browser
        .wait_text("#s3-tree", |t| !t.to_lowercase().contains("not registered"))
        .await;
    let titles: Vec<String> = browser
        .script("return [...document.querySelectorAll('.role-badge')].filter(b => b.title.includes('year=2026/month=02/')).map(b => b.textContent)")
        .await;
    assert_eq!(titles, ["partition"]);
    browser
        .screenshot_after_spotlight("partitions-04-registered-as-seen")
        .await;

    // The last run reads February.
    browser.click("#tour-next").await;
    browser
        .wait_text("#tour-outcome", |t| t.contains("SUCCEEDED: read 2 row(s)"))
        .await;
    let verdicts = browser
        .wait_text("#verdicts", |t| t.contains("orders-1.json was read"))
        .await;
    assert!(!verdicts.contains("not a partition in the catalog"), "{verdicts}");
    browser
        .screenshot_after_spotlight("partitions-05-february-read-as-seen")
        .await;
    browser.screenshot("partitions-05-february-read").await;
    // Objects are named by their path under the table's folder: two orders-1.json read apart.
    let labels: Vec<String> = browser
        .script("return [...document.querySelectorAll('svg#timeline text.tl-label')].map(t => t.lastChild.textContent)")
        .await;
    assert!(
        labels.iter().any(|l| l.ends_with("month=01/orders-1.json")),
        "{labels:?}"
    );
    assert!(
        labels.iter().any(|l| l.ends_with("month=02/orders-1.json")),
        "{labels:?}"
    );
    let sink = browser.text("table.sink tbody").await;
    assert!(sink.contains("year=2026/month=02/orders-1.json:1"), "{sink}");
    browser
        .screenshot_of("section[aria-labelledby='timeline-title']", "partitions-05-timeline")
        .await;
    browser
        .screenshot_of("section[aria-labelledby='sink-title']", "partitions-05-sink")
        .await;

    // The S3 panel's button: nothing is left to register.
    browser.click("#repair-partitions").await;
    browser
        .wait_text("#notice", |t| {
            t.contains("MSCK REPAIR TABLE lake.orders: no new partition folder")
        })
        .await;

    // The editor shows the predicate and names the partition keys.
    browser.click("#edit-job").await;
    assert_eq!(
        browser.prop("#f-sources-0-push-down-predicate", "value").await,
        "year = '2026'"
    );
    assert_eq!(
        browser.prop("#f-sources-0-catalog-partition-predicate", "value").await,
        ""
    );
    let hint = browser.text("#partition-hint-0").await;
    assert!(hint.contains("partition keys year, month"), "{hint}");
    // A predicate over a column that is no partition key is refused next to its field.
    let _: bool = browser
        .script(
            "const f = document.querySelector('#f-sources-0-catalog-partition-predicate'); \
             f.value = \"region = 'north'\"; f.dispatchEvent(new Event('input')); return true",
        )
        .await;
    let error = browser
        .wait_text("#err-sources-0-catalog-partition-predicate", |t| !t.is_empty())
        .await;
    assert!(
        error.contains("it sees only the partition keys: year, month"),
        "{error}"
    );
    assert_eq!(
        browser
            .find("#f-sources-0-catalog-partition-predicate")
            .await
            .attr("aria-invalid")
            .await
            .ok()
            .flatten()
            .as_deref(),
        Some("true"),
        "{error}"
    );
    browser.screenshot("partitions-06-editor").await;
    browser.close().await;
}
