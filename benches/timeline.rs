//! The per-ticket pass of a report over the bundled sample data: rebuilding every ticket's
//! timeline from its changelog, and running every metric family over the tickets.

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};
use supportlens::metrics::Prepared;
use supportlens::model::Ticket;
use supportlens::timeline::Timeline;

fn bench(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    let settings =
        supportlens::config::load(Some(&root.join("supportlens.toml"))).expect("sample config");
    let tickets: Vec<Ticket> =
        supportlens::jira::read_files(&[PathBuf::from(&root)], &settings.types.severity_field)
            .expect("sample data");
    let as_of = supportlens::report::latest_update(&tickets).expect("tickets have updates");
    let field = settings.types.severity_field.clone();

    let mut group = c.benchmark_group("per-ticket");
    group.throughput(criterion::Throughput::Elements(tickets.len() as u64));
    group.bench_function("timelines", |b| {
        b.iter(|| {
            let timelines: Vec<Timeline> = tickets
                .iter()
                .map(|t| Timeline::build(black_box(t), &field, as_of))
                .collect();
            timelines
        })
    });
    group.bench_function("timelines and items", |b| {
        b.iter(|| {
            let prepared = Prepared::new(&settings, black_box(&tickets), as_of);
            prepared.items(&settings).clocks.len()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
