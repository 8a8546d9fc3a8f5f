use super::*;

#[test]
fn parses_jira_offsets() {
    let t = parse_ts("2026-11-23T09:15:00.000+0000").unwrap();
    assert_eq!(fmt_ts(t), "2026-11-23T09:15:00Z");
    let t = parse_ts("2022-06-09T16:29:31.871-0700").unwrap();
    assert_eq!(fmt_ts(t), "2022-06-09T23:29:31Z");
    let t = parse_ts("2026-03-01T10:00:00+05:30").unwrap();
    assert_eq!(fmt_ts(t), "2026-03-01T04:30:00Z");
    assert!(parse_ts("yesterday").is_none());
}

/// The fast path agrees with chrono's parsers on every form JIRA writes, and leaves
/// what it does not know to them.
#[test]
fn fast_timestamp_path_matches_chrono() {
    let chrono_parse = |s: &str| {
        ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%dT%H:%M:%S%z"]
            .iter()
            .find_map(|f| DateTime::parse_from_str(s, f).ok())
            .or_else(|| DateTime::parse_from_rfc3339(s).ok())
            .map(|t| t.with_timezone(&Utc))
    };
    for s in [
        "2026-11-23T09:15:00.000+0000",
        "2022-06-09T16:29:31.871-0700",
        "2026-03-01T10:00:00+05:30",
        "2026-03-01T10:00:00Z",
        "2026-03-01T10:00:00.5Z",
        "2026-03-01T10:00:00.123456789+0100",
        "2024-02-29T23:59:59.999-1200",
        "2026-12-31T23:30:00.000-0100",
    ] {
        let fast = parse_jira_ts(s.as_bytes());
        assert!(fast.is_some(), "{s} takes the fast path");
        assert_eq!(fast, chrono_parse(s), "{s}");
    }
    for s in [
        "2026-02-30T10:00:00Z",
        "2026-11-23T25:00:00Z",
        "2026-11-23T09:15:00",
        "2026-11-23T09:15:00+00",
        "2026-11-23 09:15:00Z",
        "2026-11-23T09:15:00.Z",
    ] {
        assert_eq!(parse_jira_ts(s.as_bytes()), None, "{s}");
        assert_eq!(parse_ts(s), chrono_parse(s), "{s}");
    }
}

#[test]
fn formats_years_outside_four_digits_as_chrono_does() {
    let t = parse_ts("2026-11-23T09:15:00.000+0000").unwrap();
    assert_eq!(fmt_ts(t), t.format("%Y-%m-%dT%H:%M:%SZ").to_string());
    let far = DateTime::from_timestamp(253_402_300_800, 0).unwrap();
    assert_eq!(fmt_ts(far), "+10000-01-01T00:00:00Z");
    // Every digit position, across years 1–9999, agrees with chrono's formatter.
    let mut secs: i64 = -62_135_596_800; // 0001-01-01T00:00:00Z
    while secs < 253_402_300_799 {
        let t = DateTime::from_timestamp(secs, 0).unwrap();
        assert_eq!(fmt_ts(t), t.format("%Y-%m-%dT%H:%M:%SZ").to_string());
        secs += 7_777_777_777 / 97 + 3_601;
    }
}

#[test]
fn ticket_keys_order_by_project_then_number() {
    let mut keys = vec!["SUP-90", "SUP-256", "ABC-7", "SUP-9", "SUP-X", "SUP-10"];
    keys.sort_by(|a, b| key_order(a, b));
    assert_eq!(
        keys,
        ["ABC-7", "SUP-9", "SUP-10", "SUP-90", "SUP-256", "SUP-X"]
    );
}

#[test]
fn ids_order_numerically() {
    assert!(id_order("9", "10").is_lt());
    assert!(id_order("10", "abc").is_lt());
}

/// Sorting by the cached key orders every pair as `id_order` does, the awkward ids
/// included: leading zeros, a leading `+` (a number to Rust's parser, so "+5" is 5 and
/// sorts before "5" by bytes), a value past u64 (not a number), letters, the empty id,
/// a non-ASCII digit (not a number).
#[test]
fn sort_by_id_agrees_with_id_order() {
    let ids = [
        "10",
        "9",
        "010",
        "abc",
        "",
        "18446744073709551616",
        "18446744073709551615",
        "0",
        "00",
        "Z",
        "10a",
        "+5",
        "5",
        "٥",
    ];
    let mut tickets: Vec<Ticket> = ids
        .iter()
        .map(|id| Ticket {
            id: id.to_string(),
            ..Ticket::default()
        })
        .collect();
    sort_by_id(&mut tickets);
    let sorted: Vec<&str> = tickets.iter().map(|t| t.id.as_str()).collect();
    let mut expected = ids.to_vec();
    expected.sort_by(|a, b| id_order(a, b));
    assert_eq!(sorted, expected);
    assert_eq!(
        sorted,
        [
            "0",
            "00",
            "+5",
            "5",
            "9",
            "010",
            "10",
            "18446744073709551615",
            "",
            "10a",
            "18446744073709551616",
            "Z",
            "abc",
            "٥"
        ]
    );
}

#[test]
fn ids_of_equal_value_order_by_bytes() {
    assert!(id_order("010", "10").is_lt());
    assert!(id_order("10", "010").is_gt());
    assert!(id_order("10", "10").is_eq());
}
