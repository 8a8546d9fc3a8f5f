//! A JIRA-compatible REST server on 127.0.0.1 for the export tests: hand-written HTTP/1.1
//! (one request per connection) over an organisation of complete issues, in either flavor,
//! with small pages and faults injected on demand.
//!
//! It answers `/myself`, the search (Cloud `/rest/api/3/search/jql` by `nextPageToken`,
//! Server `/rest/api/2/search` by `startAt`), the per-issue comment, worklog and
//! changelog pages, and Cloud's `POST /rest/api/3/changelog/bulkfetch` (histories of up to
//! 1,000 issues, oldest first by date then issue id, paged by `nextPageToken`). The search honours `updated >= "yyyy-MM-dd HH:mm"` clauses in the
//! account's zone (the rest of the JQL is ignored), insists on the exporter's ORDER BY,
//! returns only the requested fields, and embeds at most `embed` items of each list, with
//! `total` saying how many exist, as JIRA does.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use chrono::{NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde_json::{Value, json};
use supportlens::model::{Ticket, id_order, parse_ts};
use supportlens::settings::Flavor;

use super::jira_org::{body, person};

/// What a fault does to the response of the request it matches.
#[derive(Debug, Clone)]
pub enum FaultKind {
    /// Answer with this status (and `Retry-After` seconds, if given) instead.
    Status(u16, Option<u64>),
    /// Answer with this status and `Retry-After` as an HTTP date this many seconds ahead.
    StatusUntil(u16, u64),
    /// Promise the whole body, send half of it, and close the connection.
    CutBody,
    /// Send half of the body as if it were all of it: JSON that ends too early.
    TruncatedJson,
    /// Wait this long before answering.
    Slow(Duration),
    /// Answer normally, then update this ticket (by id): a new comment and a new `updated`.
    Touch(String),
    /// Answer with this status and exactly this body.
    Body(u16, String),
    /// Answer `302 Found` with this `Location`.
    Redirect(String),
    /// Promise a body of this many bytes, send a few, and close the connection.
    Promise(u64),
    /// Answer with this status and these extra headers (Cloud's rate-limit headers, odd
    /// `Retry-After` values).
    Headers(u16, Vec<(String, String)>),
}

/// A fault for the requests whose path contains `path`: the first `skip` pass untouched,
/// the next `times` get `kind`.
#[derive(Debug, Clone)]
pub struct Fault {
    pub path: String,
    pub skip: usize,
    pub times: usize,
    pub kind: FaultKind,
}

impl Fault {
    pub fn new(path: &str, skip: usize, times: usize, kind: FaultKind) -> Fault {
        Fault {
            path: path.to_string(),
            skip,
            times,
            kind,
        }
    }
}

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub query: Vec<(String, String)>,
}

impl Seen {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The server's state; tests lock it to add faults, change tickets or read the log.
pub struct State {
    pub flavor: Flavor,
    /// The account's zone, in which JQL dates are read.
    pub zone: Tz,
    /// Complete issues: every comment, worklog and history in place.
    pub issues: Vec<Value>,
    pub search_page: usize,
    pub item_page: usize,
    /// Items of each list embedded in a search result.
    pub embed: usize,
    /// The `Authorization` header every request must carry.
    pub auth: String,
    pub faults: Vec<Fault>,
    pub log: Vec<Seen>,
    /// Ids returned by each search page, in order.
    pub served: Vec<Vec<String>>,
    /// Added to Server's `total`, to serve the empty page that claims more issues.
    pub total_bonus: usize,
    /// Misbehave in the search's paging: Cloud's last page points back to the first,
    /// Server/DC ignores `startAt` and sends no `total`.
    pub search_loop: bool,
    /// Cloud's paging gets stuck: every page after the first names as its next page the
    /// token it was asked with (the first page's token still moves on).
    pub token_stuck: bool,
    /// Histories per page of the bulk changelog read.
    pub bulk_page: usize,
    /// Answer the bulk changelog read with 404, as a site without it would.
    pub no_bulk: bool,
    /// Faults on about a third of all requests, drawn from this seed (see [`chaos`]).
    pub chaos: Option<u64>,
    /// `(period, run)`: of every `period` requests, the first `run` get 429 with
    /// `Retry-After: 1`, as a site under sustained rate limiting answers.
    pub rate_runs: Option<(usize, usize)>,
    /// Requests still to answer with HTTP 500 in the current burst.
    burst: usize,
    /// Waited before every answer, so an export takes long enough to be killed midway.
    pub delay: Duration,
    next_item_id: u64,
}

impl State {
    /// Updates one ticket as an engineer would: a comment, and `updated` set to now.
    pub fn touch(&mut self, id: &str) {
        self.next_item_id += 1;
        let now = Utc::now();
        let stamp = now.format("%Y-%m-%dT%H:%M:%S%.3f+0000").to_string();
        let body = body(self.flavor, "touched during the export");
        let author = person(self.flavor, "eng1", "Engineer One");
        let comment = json!({"id": self.next_item_id.to_string(), "author": author,
            "created": stamp, "updated": stamp, "body": body});
        let issue = self
            .issues
            .iter_mut()
            .find(|i| i["id"] == id)
            .expect("touched ticket exists");
        issue["fields"]["updated"] = json!(stamp);
        issue["fields"]["comment"]["comments"]
            .as_array_mut()
            .expect("comment list")
            .push(comment);
    }

    /// The tickets the exporter should end up with: every issue parsed complete, by id.
    pub fn expected(&self, severity_field: &str) -> Vec<Ticket> {
        let mut tickets: Vec<Ticket> = self
            .issues
            .iter()
            .map(|i| supportlens::jira::parse_issue(&with_totals(i), severity_field).unwrap())
            .collect();
        tickets.sort_by(|a, b| id_order(&a.id, &b.id));
        tickets
    }

    /// Requests whose path contains `part`.
    pub fn requests(&self, part: &str) -> Vec<Seen> {
        self.log
            .iter()
            .filter(|s| s.path.contains(part))
            .cloned()
            .collect()
    }
}

/// A running server; it stops serving when the test process ends.
pub struct JiraServer {
    pub url: String,
    pub state: Arc<Mutex<State>>,
}

impl JiraServer {
    /// Starts a server for `issues` that accepts `auth` as the `Authorization` header.
    pub fn start(flavor: Flavor, issues: Vec<Value>, auth: &str) -> JiraServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let url = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(Mutex::new(State {
            flavor,
            zone: chrono_tz::UTC,
            issues,
            search_page: 2,
            item_page: 3,
            embed: 2,
            auth: auth.to_string(),
            faults: Vec::new(),
            log: Vec::new(),
            served: Vec::new(),
            total_bonus: 0,
            search_loop: false,
            token_stuck: false,
            bulk_page: 4,
            no_bulk: false,
            chaos: None,
            rate_runs: None,
            burst: 0,
            delay: Duration::ZERO,
            next_item_id: 900_000,
        }));
        let shared = Arc::clone(&state);
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let state = Arc::clone(&shared);
                thread::spawn(move || serve(stream, &state));
            }
        });
        JiraServer { url, state }
    }

    pub fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap()
    }
}

/// What the server decided to send.
struct Reply {
    status: u16,
    body: String,
    retry_after: Option<String>,
    headers: Vec<(String, String)>,
    fault: Option<FaultKind>,
}

/// One request as read from the wire.
struct Request {
    method: String,
    target: String,
    auth: Option<String>,
    body: String,
}

fn serve(mut stream: TcpStream, state: &Mutex<State>) {
    let Some(request) = read_request(&stream) else {
        return;
    };
    let (reply, delay) = {
        let mut st = state.lock().unwrap();
        (respond(&mut st, &request), st.delay)
    };
    thread::sleep(delay);
    if let Some(FaultKind::Slow(d)) = &reply.fault {
        thread::sleep(*d);
    }
    let bytes = reply.body.as_bytes();
    match &reply.fault {
        Some(FaultKind::Redirect(to)) => {
            let head = format!(
                "HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
            let _ = stream.write_all(head.as_bytes());
            return;
        }
        Some(FaultKind::Promise(size)) => {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {size}\r\nConnection: close\r\n\r\n{{\"issues\": ["
            );
            let _ = stream.write_all(head.as_bytes());
            return;
        }
        _ => {}
    }
    let (sent, promised) = match reply.fault {
        Some(FaultKind::CutBody) => (&bytes[..bytes.len() / 2], bytes.len()),
        Some(FaultKind::TruncatedJson) => (&bytes[..bytes.len() / 2], bytes.len() / 2),
        _ => (bytes, bytes.len()),
    };
    let mut head = format!(
        "HTTP/1.1 {} X\r\nContent-Type: application/json\r\nContent-Length: {promised}\r\nConnection: close\r\n",
        reply.status
    );
    if let Some(s) = &reply.retry_after {
        head.push_str(&format!("Retry-After: {s}\r\n"));
    }
    for (name, value) in &reply.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(sent);
    let _ = stream.flush();
    if let Some(FaultKind::Touch(id)) = reply.fault {
        state.lock().unwrap().touch(&id);
    }
}

/// The method, target, `Authorization` header and body of a request.
fn read_request(stream: &TcpStream) -> Option<Request> {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut words = line.split_whitespace();
    let method = words.next()?.to_string();
    let target = words.next()?.to_string();
    let mut auth = None;
    let mut length = 0;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).ok()? == 0 || header.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.eq_ignore_ascii_case("authorization") {
                auth = Some(value.trim().to_string());
            } else if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().ok()?;
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Request {
        method,
        target,
        auth,
        body: String::from_utf8(body).ok()?,
    })
}

fn respond(st: &mut State, request: &Request) -> Reply {
    let (path, query) = split_target(&request.target);
    st.log.push(Seen {
        method: request.method.clone(),
        path: path.clone(),
        query: query.clone(),
    });
    let n = st.log.len() - 1;
    let fault = take_fault(st, &path).or_else(|| background_fault(st, n));
    if std::env::var("JIRA_SERVER_DEBUG").is_ok() {
        eprintln!("{n} {} {} {fault:?}", request.method, request.target);
    }
    let status_reply = |status: u16, retry_after: Option<String>| Reply {
        status,
        body: json!({"errorMessages": ["injected fault"]}).to_string(),
        retry_after,
        headers: Vec::new(),
        fault: None,
    };
    match fault {
        Some(FaultKind::Status(status, after)) => {
            return status_reply(status, after.map(|s| s.to_string()));
        }
        Some(FaultKind::Body(status, body)) => {
            return Reply {
                status,
                body,
                retry_after: None,
                headers: Vec::new(),
                fault: None,
            };
        }
        Some(FaultKind::Headers(status, headers)) => {
            return Reply {
                headers,
                ..status_reply(status, None)
            };
        }
        Some(FaultKind::StatusUntil(status, secs)) => {
            let at = Utc::now() + chrono::Duration::seconds(secs as i64);
            let date = at.format("%a, %d %b %Y %H:%M:%S GMT").to_string();
            return status_reply(status, Some(date));
        }
        _ => {}
    }
    let (status, body) = if request.auth.as_deref() != Some(st.auth.as_str()) {
        (401, json!({"errorMessages": ["You are not authenticated"]}))
    } else if request.method == "POST" {
        post(st, &path, &request.body)
    } else {
        route(st, &path, &query)
    };
    Reply {
        status,
        body: body.to_string(),
        retry_after: None,
        headers: Vec::new(),
        fault,
    }
}

/// The faults of a busy site, for request number `n`: sustained rate-limit runs, and with
/// `chaos` about a third of the requests answered with 429 (`Retry-After: 1`), a burst of
/// 500s, a connection cut mid-body or truncated JSON.
fn background_fault(st: &mut State, n: usize) -> Option<FaultKind> {
    if let Some((period, run)) = st.rate_runs
        && n % period < run
    {
        return Some(FaultKind::Status(429, Some(1)));
    }
    let seed = st.chaos?;
    if st.burst > 0 {
        st.burst -= 1;
        return Some(FaultKind::Status(500, None));
    }
    // splitmix64 of the request number: the same faults on every run of a test.
    let mut z = seed.wrapping_add((n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    if z % 3 != 0 {
        return None;
    }
    match (z / 3) % 5 {
        0 | 1 => Some(FaultKind::Status(429, Some(1))),
        2 => {
            st.burst = 2;
            Some(FaultKind::Status(500, None))
        }
        3 => Some(FaultKind::CutBody),
        _ => Some(FaultKind::TruncatedJson),
    }
}

/// `POST /rest/api/3/changelog/bulkfetch`, the only POST JIRA answers here.
fn post(st: &State, path: &str, body: &str) -> (u16, Value) {
    if st.no_bulk || st.flavor != Flavor::Cloud || path != "/rest/api/3/changelog/bulkfetch" {
        return (404, json!({"errorMessages": ["no such resource"]}));
    }
    let Ok(request) = serde_json::from_str::<Value>(body) else {
        return (400, json!({"errorMessages": ["body is not JSON"]}));
    };
    let Some(wanted) = request["issueIdsOrKeys"].as_array() else {
        return (
            400,
            json!({"errorMessages": ["issueIdsOrKeys is required"]}),
        );
    };
    if wanted.len() > 1000 {
        return (400, json!({"errorMessages": ["at most 1000 issues"]}));
    }
    let wanted: Vec<&str> = wanted.iter().filter_map(Value::as_str).collect();
    // Every history of the named issues, oldest first, then by issue id.
    let mut all: Vec<(chrono::DateTime<Utc>, u64, &str, &Value)> = Vec::new();
    for issue in &st.issues {
        let (id, key) = (
            issue["id"].as_str().unwrap(),
            issue["key"].as_str().unwrap(),
        );
        if !wanted.contains(&id) && !wanted.contains(&key) {
            continue;
        }
        for h in issue["changelog"]["histories"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let at = parse_ts(h["created"].as_str().unwrap()).unwrap();
            all.push((at, id.parse().unwrap(), id, h));
        }
    }
    all.sort_by_key(|(at, id, _, _)| (*at, *id));
    let start = request["nextPageToken"]
        .as_str()
        .and_then(|t| t.strip_prefix("bulk-"))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0usize);
    let size = request["maxResults"]
        .as_u64()
        .map_or(1000, |n| n as usize)
        .min(st.bulk_page);
    let mut logs: Vec<Value> = Vec::new();
    for (_, _, id, h) in all.iter().skip(start).take(size) {
        match logs.last_mut() {
            Some(last) if last["issueId"] == *id => {
                last["changeHistories"]
                    .as_array_mut()
                    .unwrap()
                    .push((*h).clone());
            }
            _ => logs.push(json!({"issueId": id, "changeHistories": [h]})),
        }
    }
    let end = start + size;
    let mut page = json!({"issueChangeLogs": logs});
    if end < all.len() {
        page["nextPageToken"] = json!(format!("bulk-{end}"));
    }
    (200, page)
}

fn take_fault(st: &mut State, path: &str) -> Option<FaultKind> {
    let fault = st.faults.iter_mut().find(|f| path.contains(&f.path))?;
    if fault.skip > 0 {
        fault.skip -= 1;
        return None;
    }
    if fault.times == 0 {
        return None;
    }
    fault.times -= 1;
    Some(fault.kind.clone())
}

fn route(st: &mut State, path: &str, query: &[(String, String)]) -> (u16, Value) {
    let api = match st.flavor {
        Flavor::Cloud => "/rest/api/3",
        Flavor::Server => "/rest/api/2",
    };
    let Some(rest) = path.strip_prefix(api) else {
        return (404, json!({"errorMessages": ["wrong API version"]}));
    };
    let param = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let num = |name: &str, default: usize| {
        param(name)
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(default)
    };
    match (st.flavor, rest) {
        (_, "/myself") => (200, json!({"name": "lead", "timeZone": st.zone.name()})),
        (Flavor::Cloud, "/search/jql") | (Flavor::Server, "/search") => {
            let jql = param("jql").unwrap_or_default();
            if !jql.ends_with("ORDER BY updated ASC, key ASC") {
                return (400, json!({"errorMessages": ["unexpected ordering"]}));
            }
            let fields = param("fields").unwrap_or_default();
            let changelog = param("expand").is_some_and(|e| e.contains("changelog"));
            let mut hits: Vec<&Value> = st
                .issues
                .iter()
                .filter(|i| matches_window(i, &jql, st.zone))
                .collect();
            hits.sort_by(|a, b| {
                updated(a).cmp(&updated(b)).then(id_order(
                    a["id"].as_str().unwrap(),
                    b["id"].as_str().unwrap(),
                ))
            });
            let start = match st.flavor {
                Flavor::Cloud => param("nextPageToken")
                    .and_then(|t| t.strip_prefix("after-").and_then(|n| n.parse().ok()))
                    .unwrap_or(0),
                Flavor::Server if st.search_loop => 0,
                Flavor::Server => num("startAt", 0),
            };
            let size = num("maxResults", 50).min(st.search_page);
            let page: Vec<Value> = hits
                .iter()
                .skip(start)
                .take(size)
                .map(|i| in_search(i, &fields, changelog, st.embed))
                .collect();
            let total = hits.len();
            let end = start + page.len();
            st.served.push(
                page.iter()
                    .map(|i| i["id"].as_str().unwrap().to_string())
                    .collect(),
            );
            let body = match st.flavor {
                Flavor::Cloud if st.search_loop => {
                    let next = if end < total { end } else { 0 };
                    json!({"issues": page, "nextPageToken": format!("after-{next}"), "isLast": false})
                }
                Flavor::Server if st.search_loop => {
                    json!({"startAt": start, "maxResults": page.len(), "issues": page})
                }
                Flavor::Cloud if st.token_stuck && start > 0 => {
                    json!({"issues": page, "nextPageToken": format!("after-{start}"), "isLast": false})
                }
                Flavor::Cloud if end < total => {
                    json!({"issues": page, "nextPageToken": format!("after-{end}"), "isLast": false})
                }
                Flavor::Cloud => json!({"issues": page, "isLast": true}),
                Flavor::Server => json!({"startAt": start, "maxResults": page.len(),
                    "total": total + st.total_bonus, "issues": page}),
            };
            (200, body)
        }
        (_, rest) if rest.starts_with("/issue/") => {
            let mut parts = rest["/issue/".len()..].split('/');
            let (Some(id), Some(what)) = (parts.next(), parts.next()) else {
                return (404, json!({}));
            };
            let Some(issue) = st.issues.iter().find(|i| i["id"] == id) else {
                return (404, json!({"errorMessages": ["Issue does not exist"]}));
            };
            let (list, key) = match what {
                "comment" => (&issue["fields"]["comment"]["comments"], "comments"),
                "worklog" => (&issue["fields"]["worklog"]["worklogs"], "worklogs"),
                "changelog" => (&issue["changelog"]["histories"], "values"),
                _ => return (404, json!({})),
            };
            let all = list.as_array().cloned().unwrap_or_default();
            let start = num("startAt", 0);
            let size = num("maxResults", 50).min(st.item_page);
            let page: Vec<Value> = all.iter().skip(start).take(size).cloned().collect();
            let mut body = json!({"startAt": start, "maxResults": size, "total": all.len()});
            body[key] = json!(page);
            if key == "values" {
                body["isLast"] = json!(start + size >= all.len());
            }
            (200, body)
        }
        _ => (404, json!({"errorMessages": ["no such resource"]})),
    }
}

/// The issue as a search returns it: only the asked-for fields, lists cut to `embed` items
/// with their true `total`, the changelog only when expanded.
fn in_search(issue: &Value, fields: &str, changelog: bool, embed: usize) -> Value {
    let wanted: Vec<&str> = fields.split(',').collect();
    let mut out = json!({"id": issue["id"], "key": issue["key"], "fields": {}});
    for (name, value) in issue["fields"].as_object().unwrap() {
        if wanted.contains(&name.as_str()) {
            out["fields"][name] = value.clone();
        }
    }
    for (pointer, list) in [
        ("/fields/comment", "comments"),
        ("/fields/worklog", "worklogs"),
    ] {
        if let Some(env) = out.pointer_mut(pointer) {
            *env = cut(&env[list], list, embed);
        }
    }
    if changelog {
        out["changelog"] = cut(&issue["changelog"]["histories"], "histories", embed);
    }
    out
}

fn cut(list: &Value, key: &str, embed: usize) -> Value {
    let all = list.as_array().cloned().unwrap_or_default();
    let mut env = json!({"startAt": 0, "maxResults": embed, "total": all.len()});
    env[key] = json!(all.into_iter().take(embed).collect::<Vec<_>>());
    env
}

/// The issue with every list's `total` equal to its length: what a complete export holds.
fn with_totals(issue: &Value) -> Value {
    let mut out = issue.clone();
    for (pointer, list) in [
        ("/fields/comment", "comments"),
        ("/fields/worklog", "worklogs"),
        ("/changelog", "histories"),
    ] {
        if let Some(env) = out.pointer_mut(pointer) {
            *env = cut(&env[list], list, usize::MAX);
        }
    }
    out
}

fn updated(issue: &Value) -> chrono::DateTime<Utc> {
    parse_ts(issue["fields"]["updated"].as_str().unwrap()).unwrap()
}

/// True when the issue passes every `updated >= "yyyy-MM-dd HH:mm"` clause, read in `zone`.
fn matches_window(issue: &Value, jql: &str, zone: Tz) -> bool {
    let mut rest = jql;
    while let Some(at) = rest.find("updated >= \"") {
        let text = &rest[at + 12..at + 28];
        let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M")
            .unwrap_or_else(|e| panic!("JQL date {text:?}: {e}"));
        let bound = zone.from_local_datetime(&naive).earliest().unwrap();
        if updated(issue) < bound.with_timezone(&Utc) {
            return false;
        }
        rest = &rest[at + 28..];
    }
    true
}

fn split_target(target: &str) -> (String, Vec<(String, String)>) {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let pairs = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect();
    (path.to_string(), pairs)
}

/// Percent-decoding with `+` as space, as forms encode queries.
fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                out.push(u8::from_str_radix(hex, 16).unwrap());
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).unwrap()
}
