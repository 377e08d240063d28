//! The live scenario: 1,000 event streams open on one plan (pages of many people, up to 15
//! tabs a session) while 32 writers each save their own section once a second. Reports the
//! server's memory per open stream (the same number of idle client connections measured
//! alone first, and taken off), the delay from a save's answer to its event reaching the
//! streams, that every stream got every save, and the saves' own latency beside it.
//!
//! The streams are raw HTTP/1.1 connections reading `/live` as a browser's `EventSource`
//! does, so what the benchmark's own side holds per connection stays small and measurable.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use app::foundation::live::{Change, LiveEvent};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Open streams, and how many each session holds (under the server's bound of 16).
pub const STREAMS: usize = 1000;
pub const PER_SESSION: usize = 15;

/// Streams that note when each save reached them (the rest only read).
const SAMPLED: usize = 50;

/// What the scenario needs from the benchmark's setup.
pub struct Setup {
    /// `host:port` of the server.
    pub addr: String,
    pub base: String,
    pub plan: i64,
    /// The sections the 32 writers save, one each.
    pub sections: Vec<i64>,
    /// A session cookie (`name=value`) of each reading person.
    pub cookies: Vec<String>,
    /// The writers' client (an editor's session).
    pub writer: reqwest::Client,
    /// The version each writer's section is at.
    pub versions: Vec<i64>,
}

/// The resident memory of this process, in KiB.
fn rss_kib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0.0)
}

/// A session cookie for `email`, read off the login's answer.
pub async fn session_cookie(base: &str, email: &str, password: &str) -> String {
    let res = reqwest::Client::new()
        .post(format!("{base}/api/login"))
        .form(&[("email", email), ("password", password)])
        .send()
        .await
        .expect("login");
    assert!(res.status().is_success(), "{email}: login failed");
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("upstream_session="))
        .and_then(|v| v.split(';').next())
        .expect("a session cookie")
        .to_owned()
}

/// Opens `path` on `addr` as an event stream; the connection once the answer's head is read.
async fn open(addr: &str, path: &str, cookie: &str) -> TcpStream {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nCookie: {cookie}\r\nAccept: text/event-stream\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.expect("request");
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        let n = stream.read(&mut byte).await.expect("answer");
        assert!(n == 1, "the stream closed before answering");
        head.push(byte[0]);
    }
    assert!(
        head.starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&head)
    );
    stream
}

/// Where a sampled stream notes `(section, version, when read)` of each save event.
type Noted = Arc<Mutex<Vec<(i64, i64, Instant)>>>;

/// Reads a stream until `stop`; when `noted` is given, notes `(section, version, when)` of
/// every save event.
async fn read(mut stream: TcpStream, noted: Option<Noted>, stop: Arc<AtomicBool>) {
    let mut buf = vec![0u8; 4096];
    let mut carry = String::new();
    while !stop.load(Ordering::Relaxed) {
        let n = match tokio::time::timeout(Duration::from_millis(200), stream.read(&mut buf)).await
        {
            Ok(Ok(0)) | Ok(Err(_)) => return,
            Ok(Ok(n)) => n,
            Err(_) => continue,
        };
        let Some(noted) = &noted else {
            continue;
        };
        let at = Instant::now();
        carry.push_str(&String::from_utf8_lossy(&buf[..n]));
        while let Some(end) = carry.find('\n') {
            let line: String = carry.drain(..=end).collect();
            let Some(data) = line.trim().strip_prefix("data:") else {
                continue;
            };
            let Some(event) = LiveEvent::from_wire(data.trim()) else {
                continue;
            };
            if let Change::SectionSaved {
                section_id,
                version,
                ..
            } = event.change
            {
                if let Ok(mut noted) = noted.lock() {
                    noted.push((section_id, version, at));
                }
            }
        }
    }
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    sorted
        .get(((sorted.len() as f64 * p) as usize).min(sorted.len().saturating_sub(1)))
        .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

/// What idle client connections cost this process alone: the same number of connections to
/// a listener that only holds them.
async fn client_side_kib() -> f64 {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("listener");
    let addr = listener.local_addr().expect("address");
    let held = Arc::new(Mutex::new(Vec::new()));
    let holder = {
        let held = held.clone();
        tokio::spawn(async move {
            while let Ok((s, _)) = listener.accept().await {
                if let Ok(mut held) = held.lock() {
                    held.push(s);
                }
            }
        })
    };
    let stop = Arc::new(AtomicBool::new(false));
    let before = rss_kib();
    let mut readers = Vec::new();
    for _ in 0..STREAMS {
        let mut s = TcpStream::connect(addr).await.expect("connect");
        s.write_all(b"GET /live HTTP/1.1\r\n\r\n")
            .await
            .expect("write");
        readers.push(tokio::spawn(read(s, None, stop.clone())));
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let cost = rss_kib() - before;
    stop.store(true, Ordering::Relaxed);
    for r in readers {
        let _ = r.await;
    }
    holder.abort();
    cost
}

pub async fn run(setup: Setup, duration: Duration) {
    let client_kib = client_side_kib().await;
    let stop = Arc::new(AtomicBool::new(false));
    let before = rss_kib();
    let opening = Instant::now();
    let path = format!("/live?plan={}", setup.plan);
    let mut readers = Vec::new();
    let mut sampled = Vec::new();
    for i in 0..STREAMS {
        let cookie = &setup.cookies[i / PER_SESSION];
        let stream = open(&setup.addr, &path, cookie).await;
        let noted = (i % (STREAMS / SAMPLED) == 0).then(|| Arc::new(Mutex::new(Vec::new())));
        if let Some(n) = &noted {
            sampled.push(n.clone());
        }
        readers.push(tokio::spawn(read(stream, noted, stop.clone())));
    }
    let opened_in = opening.elapsed();
    // Presence announcements of the arrivals settle first.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let with_streams = rss_kib() - before;
    println!(
        "live: {STREAMS} streams on one plan ({} sessions) opened in {:.1} s; memory +{:.1} MiB, of which idle client connections alone take {:.1} MiB: about {:.1} KiB a stream on the server",
        setup.cookies.len(),
        opened_in.as_secs_f64(),
        with_streams / 1024.0,
        client_kib / 1024.0,
        (with_streams - client_kib) / STREAMS as f64,
    );

    // 32 writers, each saving its own section once a second.
    let answered: Arc<Mutex<HashMap<(i64, i64), Instant>>> = Default::default();
    let latencies: Arc<Mutex<Vec<Duration>>> = Default::default();
    let failed = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let mut writers = Vec::new();
    for (w, &section) in setup.sections.iter().enumerate().take(32) {
        let (client, base, plan) = (setup.writer.clone(), setup.base.clone(), setup.plan);
        let (answered, latencies, failed) = (answered.clone(), latencies.clone(), failed.clone());
        let mut version = setup.versions[w];
        writers.push(tokio::spawn(async move {
            // Spread over the second, as people are.
            tokio::time::sleep(Duration::from_millis(31 * w as u64)).await;
            let mut i = 0u64;
            while start.elapsed() < duration {
                let body = super::text(((w as u64) << 40) | (500_000 + i), super::WORDS);
                let t = Instant::now();
                match super::post_save(&client, &base, plan, section, version, body).await {
                    super::SaveAnswer::Saved(n) | super::SaveAnswer::Merged(n, _) => {
                        if let Ok(mut a) = answered.lock() {
                            a.insert((section, n), Instant::now());
                        }
                        version = n;
                    }
                    _ => {
                        failed.fetch_add(1, Ordering::Relaxed);
                    }
                }
                if let Ok(mut l) = latencies.lock() {
                    l.push(t.elapsed());
                }
                i += 1;
                tokio::time::sleep(Duration::from_secs(1).saturating_sub(t.elapsed())).await;
            }
        }));
    }
    for w in writers {
        let _ = w.await;
    }
    // The last events' way to the streams.
    tokio::time::sleep(Duration::from_secs(1)).await;
    stop.store(true, Ordering::Relaxed);
    for r in readers {
        let _ = r.await;
    }

    let answered = answered.lock().map(|a| a.clone()).unwrap_or_default();
    let mut saves = latencies.lock().map(|l| l.clone()).unwrap_or_default();
    saves.sort();
    let mut delays = Vec::new();
    let mut early = 0usize;
    let mut got = Vec::new();
    for noted in &sampled {
        let noted = noted.lock().map(|n| n.clone()).unwrap_or_default();
        got.push(
            noted
                .iter()
                .filter(|(s, v, _)| answered.contains_key(&(*s, *v)))
                .count(),
        );
        for (s, v, at) in noted {
            if let Some(answer) = answered.get(&(s, v)) {
                if at < *answer {
                    early += 1;
                }
                delays.push(at.saturating_duration_since(*answer));
            }
        }
    }
    delays.sort();
    println!(
        "live: {} saves by 32 writers (one a second each), {} failed; save p50 {:.2} ms, p99 {:.2} ms (target < 50 ms)",
        saves.len(),
        failed.load(Ordering::Relaxed),
        percentile(&saves, 0.50),
        percentile(&saves, 0.99),
    );
    println!(
        "live: save answered -> event read, over {} deliveries to {} sampled streams: p50 {:.2} ms, p99 {:.2} ms ({early} read before the save's own answer); each sampled stream got {}..{} of the {} saves",
        delays.len(),
        sampled.len(),
        percentile(&delays, 0.50),
        percentile(&delays, 0.99),
        got.iter().min().copied().unwrap_or(0),
        got.iter().max().copied().unwrap_or(0),
        answered.len(),
    );
}
