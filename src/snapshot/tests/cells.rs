//! The cell readers against polars' own cell iterator and chrono's own conversion, which
//! they replace: over columns of several chunks, with nulls, and instants on both sides of
//! a day boundary, before 1970, and out of chrono's range.

use chrono::DateTime;
use polars::prelude::*;
use proptest::prelude::*;

use super::super::cells::{bools, ints, strs, times};

/// A frame whose one column `c` is `parts` appended as separate chunks.
fn chunked(parts: Vec<Series>) -> DataFrame {
    let mut parts = parts.into_iter();
    let mut s = parts.next().expect("a part");
    for p in parts {
        s.append(&p).expect("same type");
    }
    DataFrame::new_infer_height(vec![s.into_column()]).expect("one column")
}

fn text(name: &str, cells: &[Option<&str>]) -> Series {
    Series::new(name.into(), cells)
}

#[test]
fn text_cells_read_every_chunk_in_order_then_end() {
    let df = chunked(vec![
        text(
            "c",
            &[Some("a"), None, Some("a string longer than twelve bytes")],
        ),
        text("c", &[]),
        text("c", &[None, Some("")]),
    ]);
    assert!(df.column("c").unwrap().n_chunks() >= 2);
    let cells: Vec<Option<&str>> = strs(&df, "c").unwrap().collect();
    assert_eq!(
        cells,
        vec![
            Some("a"),
            None,
            Some("a string longer than twelve bytes"),
            None,
            Some("")
        ]
    );
    let polars: Vec<Option<&str>> = df.column("c").unwrap().str().unwrap().iter().collect();
    assert_eq!(cells, polars);
}

#[test]
fn boolean_and_integer_cells_keep_their_nulls() {
    let df = chunked(vec![
        Series::new("c".into(), &[Some(true), None]),
        Series::new("c".into(), &[Some(false)]),
    ]);
    let cells: Vec<Option<bool>> = bools(&df, "c").unwrap().collect();
    assert_eq!(cells, vec![Some(true), None, Some(false)]);
    let df = chunked(vec![
        Series::new("c".into(), &[Some(-5i64)]),
        Series::new("c".into(), &[None, Some(i64::MAX)]),
    ]);
    let cells: Vec<Option<i64>> = ints(&df, "c").unwrap().collect();
    assert_eq!(cells, vec![Some(-5), None, Some(i64::MAX)]);
}

#[test]
fn a_sliced_column_reads_only_its_rows() {
    let df = chunked(vec![
        text("c", &[Some("a"), Some("b")]),
        text("c", &[Some("c"), Some("d")]),
    ]);
    let part = df.slice(1, 2);
    let cells: Vec<Option<&str>> = strs(&part, "c").unwrap().collect();
    assert_eq!(cells, vec![Some("b"), Some("c")]);
}

/// A millisecond timestamp column of `parts` (each its own chunk).
fn instants(parts: &[Vec<Option<i64>>]) -> DataFrame {
    chunked(
        parts
            .iter()
            .map(|p| {
                Series::new("t".into(), p)
                    .cast(&DataType::Datetime(TimeUnit::Milliseconds, None))
                    .expect("a timestamp column")
            })
            .collect(),
    )
}

/// What chrono makes of each cell, as `times` hands them out.
fn chrono_of(parts: &[Vec<Option<i64>>]) -> Vec<Option<Result<DateTime<chrono::Utc>, i64>>> {
    parts
        .iter()
        .flatten()
        .map(|c| c.map(|ms| DateTime::from_timestamp_millis(ms).ok_or(ms)))
        .collect()
}

#[test]
fn instants_match_chrono_at_the_edges() {
    const DAY: i64 = 86_400_000;
    let max = DateTime::<chrono::Utc>::MAX_UTC.timestamp_millis();
    let min = DateTime::<chrono::Utc>::MIN_UTC.timestamp_millis();
    let parts = vec![
        vec![
            Some(0),
            Some(DAY - 1),
            Some(DAY),
            Some(DAY - 1),
            None,
            Some(-1),
        ],
        vec![Some(-DAY), Some(-DAY - 1), Some(1_790_000_000_123)],
        vec![
            Some(max),
            Some(max + 1),
            Some(max),
            Some(min),
            Some(min - 1),
        ],
        vec![Some(i64::MAX), Some(i64::MIN), Some(0)],
    ];
    let df = instants(&parts);
    let cells: Vec<_> = times(&df, "t").unwrap().collect();
    assert_eq!(cells, chrono_of(&parts));
    assert!(matches!(cells[13], Some(Err(_))), "past chrono's last day");
}

proptest! {
    #[test]
    fn instants_match_chrono(
        parts in prop::collection::vec(
            prop::collection::vec(
                prop::option::of(prop_oneof![
                    // Mostly a few days apart, as a ticket's instants are.
                    1_700_000_000_000i64..1_700_400_000_000,
                    -100_000_000_000i64..100_000_000_000,
                    any::<i64>(),
                ]),
                0..20,
            ),
            1..4,
        )
    ) {
        let df = instants(&parts);
        let cells: Vec<_> = times(&df, "t").unwrap().collect();
        prop_assert_eq!(cells, chrono_of(&parts));
    }
}

/// The person columns read as the fresh copy per row they replace (null id: nobody; the
/// name and the address as given, each read whether or not a person is named), with the
/// rows that name a person alike sharing one person and any difference a person of its own.
#[test]
fn person_cells_read_as_one_copy_per_row_and_share_alike_rows() {
    use super::super::cells::PersonIter;
    use crate::model::{Named, PersonRef};
    type Row<'a> = (
        Option<&'a str>,
        Option<&'a str>,
        Option<bool>,
        Option<&'a str>,
    );
    let long = "an.address.longer.than.24@example.com";
    let rows: Vec<Row> = vec![
        (Some("ann"), Some("Ann"), Some(false), Some(long)),
        (Some("ann"), Some("Ann"), Some(false), Some(long)),
        (Some("bob"), Some("Bob"), Some(false), None),
        (Some("ann"), Some("Ann"), Some(false), Some(long)),
        (None, Some("Nobody"), Some(true), Some("x@example.com")),
        (Some("ann"), Some("Ann Renamed"), Some(false), Some(long)),
        (Some("ann"), Some("Ann"), Some(true), Some(long)),
        (Some("ann"), Some("Ann"), Some(false), None),
        (Some("ann"), None, None, Some(long)),
        (Some("bob"), Some("Bob"), Some(false), None),
    ];
    let df = DataFrame::new_infer_height(vec![
        Column::new(
            "author_id".into(),
            rows.iter().map(|r| r.0).collect::<Vec<_>>(),
        ),
        Column::new(
            "author_name".into(),
            rows.iter().map(|r| r.1).collect::<Vec<_>>(),
        ),
        Column::new(
            "author_app".into(),
            rows.iter().map(|r| r.2).collect::<Vec<_>>(),
        ),
        Column::new(
            "author_email".into(),
            rows.iter().map(|r| r.3).collect::<Vec<_>>(),
        ),
    ])
    .unwrap();
    for emails in [true, false] {
        let mut people = PersonIter::new(&df, "author", emails).unwrap();
        let got: Vec<Option<PersonRef>> = rows.iter().map(|_| people.next()).collect();
        let want: Vec<Option<PersonRef>> = rows
            .iter()
            .map(|r| {
                r.0.map(|id| {
                    PersonRef::from(Named {
                        id: id.into(),
                        name: r.1.unwrap_or_default().into(),
                        app: r.2.unwrap_or(false),
                        email: r.3.filter(|_| emails).map(Into::into),
                    })
                })
            })
            .collect();
        assert_eq!(got, want, "emails {emails}");
        let p = |i: usize| got[i].as_ref().unwrap();
        assert!(p(0).shares(p(1)) && p(0).shares(p(3)) && p(2).shares(p(9)));
        // Another name, app flag or address read is another person.
        let others: &[usize] = if emails { &[5, 6, 7, 8] } else { &[5, 6, 8] };
        for &other in others {
            assert!(!p(0).shares(p(other)), "row {other}");
        }
    }
}
