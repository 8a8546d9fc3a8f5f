//! Client unit tests: auth header, URL rules, query encoding, backoff.

use super::auth::base64;
use super::*;
use std::time::Duration;

#[test]
fn basic_auth_is_standard_base64() {
    let auth = Auth::Basic {
        user: "lead@example.com".into(),
        token: "t0k".into(),
    };
    // printf 'lead@example.com:t0k' | base64
    assert_eq!(auth.header(), "Basic bGVhZEBleGFtcGxlLmNvbTp0MGs=");
    assert_eq!(base64::encode("ab"), "YWI=");
    assert_eq!(base64::encode("abc"), "YWJj");
    assert_eq!(Auth::Bearer("p".into()).header(), "Bearer p");
    assert_eq!(format!("{auth:?}"), "Auth::Basic(<redacted>)");
}

#[test]
fn plain_http_only_to_this_machine() {
    for ok in [
        "http://127.0.0.1:8080",
        "http://127.9.0.1",
        "http://[::1]:99",
        "http://LOCALHOST",
        "https://jira.example.com/jira",
    ] {
        assert!(check_base_url(ok).is_ok(), "{ok}");
    }
    for bad in [
        "http://jira.example.com",
        "http://10.0.0.1",
        "ftp://127.0.0.1",
        "https://me:pw@jira.example.com",
        "https://jira.example.com/?token=s3cret",
        "https://jira.example.com/#s3cret",
        "",
    ] {
        let err = check_base_url(bad).unwrap_err();
        assert_eq!(crate::error::exit_code(&err), 2, "{bad}");
    }
}

/// A URL that cannot be parsed is named without its user info and cut short: it may hold
/// a password, or be megabytes long.
#[test]
fn a_malformed_url_is_never_echoed_whole() {
    let err = check_base_url("https://bob:hunter2@exa mple.com:99999/x").unwrap_err();
    let text = format!("{err:#}");
    assert_eq!(crate::error::exit_code(&err), 2);
    assert!(!text.contains("hunter2") && !text.contains("bob"), "{text}");
    assert!(text.contains("https://***@exa mple.com"), "{text}");
    let long = format!("https://{}:99999", "a".repeat(5_000_000));
    let text = format!("{:#}", check_base_url(&long).unwrap_err());
    assert!(text.len() < 300, "{} bytes", text.len());
}

#[test]
fn urls_keep_the_site_path_and_encode_the_query() {
    let client = Client::new(
        "https://jira.example.com/jira/",
        Flavor::Server,
        Auth::Bearer("x".into()),
        Retry::default(),
    )
    .unwrap();
    let url = client.url(
        "/rest/api/2/search",
        &[(
            "jql",
            "project = SUP AND updated >= \"2026-11-23 09:15\"".into(),
        )],
    );
    assert_eq!(
        url.as_str(),
        "https://jira.example.com/jira/rest/api/2/search?jql=project+%3D+SUP+AND+updated+%3E%3D+%222026-11-23+09%3A15%22"
    );
}

#[test]
fn backoff_doubles_with_jitter_and_caps() {
    let r = Retry {
        base: Duration::from_millis(100),
        cap: Duration::from_millis(1000),
        attempts: 6,
        ..Retry::default()
    };
    for _ in 0..50 {
        let waits: Vec<Duration> = r.backoffs().collect();
        assert_eq!(waits.len(), 5, "one wait between each two of six tries");
        let ms = |d: Duration| d.as_millis();
        assert!((100..200).contains(&ms(waits[0])), "{waits:?}");
        assert!((200..400).contains(&ms(waits[1])), "{waits:?}");
        assert!((400..800).contains(&ms(waits[2])), "{waits:?}");
        assert!(waits.iter().all(|w| ms(*w) <= 1000), "{waits:?}");
        let limited = r.rate_limit_backoff(3);
        assert!((400..=800).contains(&ms(limited)), "{limited:?}");
        assert!(r.rate_limit_backoff(30) <= Duration::from_millis(1000));
    }
}

#[test]
fn retry_after_is_seconds_or_an_http_date() {
    let now = chrono::DateTime::parse_from_rfc3339("2026-10-21T07:27:50Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    assert_eq!(parse_retry_after(" 7 ", now), Some(Duration::from_secs(7)));
    assert_eq!(
        parse_retry_after("Wed, 21 Oct 2026 07:28:00 GMT", now),
        Some(Duration::from_secs(10))
    );
    assert_eq!(
        parse_retry_after("Wed, 21 Oct 2026 07:00:00 GMT", now),
        Some(Duration::ZERO),
        "a date already past means no wait"
    );
    // The obsolete forms HTTP/1.1 still allows: RFC 850 and asctime.
    assert_eq!(
        parse_retry_after("Wednesday, 21-Oct-26 07:28:05 GMT", now),
        Some(Duration::from_secs(15))
    );
    assert_eq!(
        parse_retry_after("Wed Oct 21 07:28:20 2026", now),
        Some(Duration::from_secs(30))
    );
    assert_eq!(parse_retry_after("soon", now), None);
    assert_eq!(parse_retry_after("-3", now), None);
}

#[test]
fn retry_after_is_honoured_up_to_max_wait_not_a_minute() {
    let r = Retry::from_env(4, Duration::from_secs(30 * 60)).unwrap();
    assert_eq!(r.honoured(Duration::from_secs(90)), Duration::from_secs(90));
    assert_eq!(
        r.honoured(Duration::from_secs(29 * 60)),
        Duration::from_secs(29 * 60)
    );
    assert_eq!(
        r.honoured(Duration::from_secs(3600)),
        Duration::from_secs(30 * 60)
    );
}

#[test]
fn retry_after_fractions_and_huge_numbers_are_read_not_dropped() {
    let now = chrono::Utc::now();
    assert_eq!(
        parse_retry_after("1.5", now),
        Some(Duration::from_millis(1500))
    );
    assert_eq!(
        parse_retry_after(".25", now),
        Some(Duration::from_millis(250))
    );
    assert_eq!(
        parse_retry_after("99999999999999999999999", now),
        Some(Duration::MAX),
        "longer than anyone waits, not absent"
    );
    for bad in ["-0.5", "1e3", "inf", "NaN", "1.2.3", ".", "", "0x10"] {
        assert_eq!(parse_retry_after(bad, now), None, "{bad:?}");
    }
}

#[test]
fn cloud_rate_limit_headers_stand_in_for_a_missing_retry_after() {
    use reqwest::header::{HeaderMap, HeaderValue};
    let now = chrono::DateTime::parse_from_rfc3339("2026-10-21T07:27:50Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let wait = |pairs: &[(&'static str, &str)]| {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        outcome::rate_limit_wait(&headers, now)
    };
    let secs = |n| Some(Duration::from_secs(n));
    assert_eq!(wait(&[]), None);
    assert_eq!(
        wait(&[("retry-after", "4"), ("beta-retry-after", "9")]),
        secs(4)
    );
    assert_eq!(
        wait(&[("retry-after", "soon"), ("beta-retry-after", "9")]),
        secs(9)
    );
    assert_eq!(wait(&[("beta-retry-after", "9")]), secs(9));
    // Atlassian documents the minute form; seconds and offsets are read too.
    assert_eq!(
        wait(&[("x-ratelimit-reset", "2026-10-21T07:29Z")]),
        secs(70)
    );
    assert_eq!(
        wait(&[("x-ratelimit-reset", "2026-10-21T07:28:05Z")]),
        secs(15)
    );
    assert_eq!(
        wait(&[("x-ratelimit-reset", "2026-10-21T09:28:05+02:00")]),
        secs(15)
    );
    assert_eq!(
        wait(&[("x-ratelimit-reset", "2026-10-21T07:00Z")]),
        secs(0),
        "a reset already past means no wait"
    );
    assert_eq!(wait(&[("x-ratelimit-reset", "tomorrow")]), None);
    assert_eq!(
        wait(&[
            ("beta-retry-after", "2"),
            ("x-ratelimit-reset", "2026-10-21T07:29Z")
        ]),
        secs(2)
    );
}
