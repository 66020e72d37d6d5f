//! The server mode under load: 32 people at once, each with a connection of their own,
//! against one `epic-events serveur` (HTTPS, a certificate made for the run), against two
//! on the same database (people spread over them, as behind a load balancer), and — for
//! the same work — against the core in this process (local mode's path, no HTTP).
//! `cargo bench --bench server_load` (see docs/benchmarks.md, « Server mode »).
//!
//! Each person runs, for a fixed time, a mix of page reads (a page of contracts or of
//! customers after a random key, a contract's card), edits of a customer and payments
//! of 0,01 € on unpaid contracts; one more runs the CSV export of every contract once at
//! the start. Reported: requests per second, page reads per second, p50/p95/p99 per kind,
//! the export's time, the server's peak resident memory.
//!
//! Environment: `EPIC_EVENTS_BENCH_MYSQL_URL` (default `mysql://root@127.0.0.1:3306`;
//! the database `epic_events_bench_serveur` is dropped and recreated on it),
//! `EPIC_EVENTS_BENCH_SCALE` (fraction of the large data set, default 0.1: 10,000
//! customers, 30,000 contracts), `EPIC_EVENTS_BENCH_SECONDS` (measured time per setup,
//! default 20, after 3 s of warm-up), `EPIC_EVENTS_BENCH_CLIENTS` (default 32).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use epic_events_api::catalogue::customer::CustomerChanges;
use epic_events_api::formatting::Zone;
use epic_events_api::lists::{ContractList, CustomerList};
use epic_events_api::paging::PageRequest;
use epic_events_api::scripts::{OutputFormat, ScriptRequest};
use epic_events_api::{Crm, Forwarding, SessionToken};
use futures::StreamExt;

const BINARY: &str = env!("CARGO_BIN_EXE_epic-events");
const SECRET: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

fn setting<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(default)
}

/// The kinds of request measured.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    ContractPage,
    CustomerPage,
    ContractCard,
    Edit,
    Payment,
}

const KINDS: [(Kind, &str); 5] = [
    (Kind::ContractPage, "page de contrats"),
    (Kind::CustomerPage, "page de clients"),
    (Kind::ContractCard, "fiche de contrat"),
    (Kind::Edit, "modification client"),
    (Kind::Payment, "paiement"),
];

/// What the people need: two sessions and the records they work on.
#[derive(Clone)]
struct Work {
    manager: SessionToken,
    sales: SessionToken,
    unpaid_contracts: Vec<i32>,
    own_customers: Vec<i32>,
    highest_contract: i32,
    highest_customer: i32,
}

/// One setup's figures.
struct Figures {
    setup: String,
    elapsed: Duration,
    latencies: Vec<(Kind, Duration)>,
    failures: usize,
    export: Option<(Duration, usize)>,
    peak_kib: Option<u64>,
    /// Processor seconds over the load (warm-up included): this process (the people,
    /// and in local mode the core), the servers, the database server.
    processor: [f64; 3],
}

/// Processor seconds (user and system) a process has used so far.
fn processor_seconds(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|stat| {
            // After the command's name, in parentheses: utime and stime are fields 14, 15.
            let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
            let ticks: u64 =
                fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
            Some(ticks as f64 / 100.0)
        })
        .unwrap_or(f64::NAN)
}

/// The database server's process, if it runs on this machine.
fn database_pid() -> Option<u32> {
    let output = Command::new("pidof").arg("mariadbd").output().ok()?;
    String::from_utf8_lossy(&output.stdout)
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Processor seconds of this process, the servers `servers` and the database so far.
fn processor_now(servers: &[u32]) -> [f64; 3] {
    [
        processor_seconds(std::process::id()),
        servers.iter().map(|pid| processor_seconds(*pid)).sum(),
        database_pid().map(processor_seconds).unwrap_or(f64::NAN),
    ]
}

fn processor_since(before: [f64; 3], servers: &[u32]) -> [f64; 3] {
    let after = processor_now(servers);
    [
        after[0] - before[0],
        after[1] - before[1],
        after[2] - before[2],
    ]
}

fn main() {
    let server = setting(
        "EPIC_EVENTS_BENCH_MYSQL_URL",
        "mysql://root@127.0.0.1:3306".to_owned(),
    );
    let url = format!("{}/epic_events_bench_serveur", server.trim_end_matches('/'));
    let scale: String = setting("EPIC_EVENTS_BENCH_SCALE", "0.1".to_owned());
    let seconds: u64 = setting("EPIC_EVENTS_BENCH_SECONDS", 20);
    let clients: usize = setting("EPIC_EVENTS_BENCH_CLIENTS", 32);
    let workspace = tempfile::tempdir().expect("a directory");

    eprintln!("== génération du jeu de données (échelle {scale})");
    let started = Instant::now();
    let generated = Command::new(BINARY)
        .args(["base", "generer", "--oui", "--echelle", &scale])
        .env("DATABASE_URL", &url)
        .env("EPIC_EVENTS_CONFIG_DIR", workspace.path().join("base"))
        .env("NO_COLOR", "1")
        .output()
        .expect("the generation runs");
    assert!(
        generated.status.success(),
        "{}",
        String::from_utf8_lossy(&generated.stderr)
    );
    eprintln!(
        "{} ({:.0} s)",
        String::from_utf8_lossy(&generated.stdout).trim(),
        started.elapsed().as_secs_f64()
    );
    let certificates = certificates(workspace.path());

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let measured = Duration::from_secs(seconds);
    let mut figures = Vec::new();

    // Local mode's path: the core in this process, one pool, no HTTP.
    {
        let keys = epic_events_core::authentication::token::SessionKeys::new(
            epic_events_core::authentication::token::JwtSecret::new(SECRET.as_bytes().to_vec())
                .expect("a secret"),
            chrono::Duration::hours(1),
        );
        let url = epic_events_core::database::url::DatabaseUrl::new(url.clone()).expect("url");
        let core: Arc<dyn Crm> = Arc::new(epic_events_core::local::LocalCrm::connecting(url, keys));
        eprintln!("== local : {clients} personnes, le cœur dans ce processus");
        let before = processor_now(&[]);
        let mut local =
            runtime.block_on(load("local (sans serveur)", vec![core], clients, measured));
        local.peak_kib = None;
        local.processor = processor_since(before, &[]);
        figures.push(local);
    }

    for count in [1, 2] {
        let mut servers = Vec::new();
        for index in 0..count {
            servers.push(ServerProcess::start(
                &url,
                &workspace.path().join(format!("serveur-{count}-{index}")),
                &certificates,
            ));
        }
        let crms: Vec<Arc<dyn Crm>> = servers
            .iter()
            .map(|server| server.address.clone())
            .map(|address| {
                Arc::new(Forwarding::new(
                    epic_events_cli::remote::Remote::new(&address, Some(&certificates.authority))
                        .expect("a client"),
                )) as Arc<dyn Crm>
            })
            .collect();
        // Every person a client of their own (their own connections).
        let people: Vec<Arc<dyn Crm>> = (0..=clients)
            .map(|person| {
                let address = &servers[person % count].address;
                Arc::new(Forwarding::new(
                    epic_events_cli::remote::Remote::new(address, Some(&certificates.authority))
                        .expect("a client"),
                )) as Arc<dyn Crm>
            })
            .collect();
        runtime.block_on(async {
            for crm in &crms {
                ready(crm.as_ref()).await;
            }
        });
        let setup = match count {
            1 => "un serveur (HTTPS)".to_owned(),
            _ => format!("{count} serveurs (HTTPS), une base"),
        };
        eprintln!("== {setup} : {clients} personnes");
        let pids: Vec<u32> = servers.iter().map(|server| server.child.id()).collect();
        let before = processor_now(&pids);
        let mut run = runtime.block_on(load(&setup, people, clients, measured));
        run.processor = processor_since(before, &pids);
        run.peak_kib = Some(servers.iter().map(ServerProcess::peak_kib).sum());
        figures.push(run);
    }
    print(&figures, clients, &scale);
}

/// Waits until `crm` answers.
async fn ready(crm: &dyn Crm) {
    for _ in 0..200 {
        if crm.ready().await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the server did not start");
}

/// Runs the load: `clients` people (each on `people[i]`, or all on the one given), for
/// `measured` after a warm-up, one more running the export.
async fn load(
    setup: &str,
    people: Vec<Arc<dyn Crm>>,
    clients: usize,
    measured: Duration,
) -> Figures {
    let person = |index: usize| Arc::clone(&people[index % people.len()]);
    let work = prepare(person(0).as_ref()).await;
    let warm_up = Duration::from_secs(3);
    let started = Instant::now();
    let measuring_from = started + warm_up;
    let until = measuring_from + measured;

    let export = {
        let crm = person(clients);
        let token = work.manager.clone();
        tokio::spawn(async move {
            tokio::time::sleep_until((measuring_from + Duration::from_secs(1)).into()).await;
            let began = Instant::now();
            let run = crm
                .run_script(
                    &token,
                    ScriptRequest {
                        text: "exporter_contrats()".into(),
                        format: OutputFormat::Csv,
                        ..Default::default()
                    },
                )
                .await
                .expect("the export runs");
            run.result.expect("the export succeeds");
            let mut bytes = 0;
            let mut output = run.output;
            while let Some(piece) = output.next().await {
                bytes += piece.expect("a piece of the export").bytes.len();
            }
            (began.elapsed(), bytes)
        })
    };

    let mut workers = Vec::new();
    for index in 0..clients {
        let crm = person(index);
        let work = work.clone();
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut failures = 0;
            let mut operation = index;
            while Instant::now() < until {
                operation += 1;
                let kind = match operation % 10 {
                    0..=2 => Kind::ContractPage,
                    3..=5 => Kind::CustomerPage,
                    6 | 7 => Kind::ContractCard,
                    8 => Kind::Edit,
                    _ => Kind::Payment,
                };
                let began = Instant::now();
                let succeeded = perform(crm.as_ref(), &work, kind, operation).await;
                let finished = Instant::now();
                if began >= measuring_from && finished <= until {
                    if succeeded {
                        latencies.push((kind, finished - began));
                    } else {
                        failures += 1;
                    }
                }
            }
            (latencies, failures)
        }));
    }
    let mut latencies = Vec::new();
    let mut failures = 0;
    for worker in workers {
        let (own, failed) = worker.await.expect("a person's work");
        latencies.extend(own);
        failures += failed;
    }
    let export = export.await.ok();
    Figures {
        setup: setup.to_owned(),
        elapsed: measured,
        latencies,
        failures,
        export,
        peak_kib: None,
        processor: [f64::NAN; 3],
    }
}

/// One request of `kind`; whether it succeeded.
async fn perform(crm: &dyn Crm, work: &Work, kind: Kind, operation: usize) -> bool {
    let random = |below: i32| fastrand::i32(1..below.max(2));
    match kind {
        Kind::ContractPage => crm
            .list_contracts(
                &work.manager,
                ContractList::All,
                PageRequest::after(random(work.highest_contract), 20),
            )
            .await
            .is_ok(),
        Kind::CustomerPage => crm
            .list_customers(
                &work.manager,
                CustomerList::All,
                PageRequest::after(random(work.highest_customer), 20),
            )
            .await
            .is_ok(),
        Kind::ContractCard => crm
            .contract(&work.manager, random(work.highest_contract))
            .await
            .is_ok(),
        Kind::Edit => {
            let customer = work.own_customers[operation % work.own_customers.len()];
            crm.update_customer(
                &work.sales,
                customer,
                CustomerChanges {
                    first_name: Some(format!("Prénom {}", operation % 1000)),
                    ..Default::default()
                },
                None,
            )
            .await
            .is_ok()
        }
        Kind::Payment => {
            let contract = work.unpaid_contracts[operation % work.unpaid_contracts.len()];
            crm.record_payment(&work.manager, contract, "0,01".into())
                .await
                .is_ok()
        }
    }
}

/// Two sessions (a manager, a sales person) and the records to work on.
async fn prepare(crm: &dyn Crm) -> Work {
    let sign_in = |username: &'static str| async move {
        crm.sign_in(username.into(), "demo-epic-events".into(), Zone::UTC)
            .await
            .expect("sign-in")
            .token
    };
    let manager = sign_in("gestion001").await;
    let sales = sign_in("commercial001").await;
    let unpaid = crm
        .list_contracts(&manager, ContractList::Unpaid, PageRequest::first(100))
        .await
        .expect("unpaid contracts");
    let own = crm
        .list_customers(&sales, CustomerList::Mine, PageRequest::first(50))
        .await
        .expect("own customers");
    let last_contract = crm
        .list_contracts(
            &manager,
            ContractList::All,
            PageRequest::first(1).counting(),
        )
        .await
        .expect("contracts");
    let last_customer = crm
        .list_customers(
            &manager,
            CustomerList::All,
            PageRequest::first(1).counting(),
        )
        .await
        .expect("customers");
    Work {
        manager,
        sales,
        unpaid_contracts: unpaid.items.iter().map(|row| row.id).collect(),
        own_customers: own.items.iter().map(|row| row.id).collect(),
        highest_contract: last_contract.total.unwrap_or(1) as i32,
        highest_customer: last_customer.total.unwrap_or(1) as i32,
    }
}

/// The certificates of a run: an authority, and a certificate for 127.0.0.1 it signed.
struct Certificates {
    authority: PathBuf,
    certificate: PathBuf,
    key: PathBuf,
}

fn certificates(directory: &Path) -> Certificates {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
    let authority_key = KeyPair::generate().expect("a key");
    let mut authority_params = CertificateParams::new(Vec::<String>::new()).expect("params");
    authority_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let authority_certificate = authority_params
        .self_signed(&authority_key)
        .expect("the authority");
    let issuer = Issuer::new(authority_params, authority_key);
    let server_key = KeyPair::generate().expect("a key");
    let server_certificate = CertificateParams::new(vec!["127.0.0.1".into()])
        .expect("params")
        .signed_by(&server_key, &issuer)
        .expect("the certificate");
    let certificates = Certificates {
        authority: directory.join("autorite.pem"),
        certificate: directory.join("serveur.pem"),
        key: directory.join("serveur.cle"),
    };
    std::fs::write(&certificates.authority, authority_certificate.pem()).expect("written");
    std::fs::write(&certificates.certificate, server_certificate.pem()).expect("written");
    std::fs::write(&certificates.key, server_key.serialize_pem()).expect("written");
    certificates
}

/// A server process, stopped with SIGTERM when dropped.
struct ServerProcess {
    child: std::process::Child,
    address: String,
}

impl ServerProcess {
    fn start(url: &str, directory: &Path, certificates: &Certificates) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(BINARY)
            .args([
                "serveur",
                "--adresse",
                &format!("127.0.0.1:{port}"),
                "--certificat",
                &certificates.certificate.display().to_string(),
                "--cle",
                &certificates.key.display().to_string(),
            ])
            .env("DATABASE_URL", url)
            .env("EPIC_EVENTS_JWT_SECRET", SECRET)
            .env("EPIC_EVENTS_CONFIG_DIR", directory)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the server starts");
        Self {
            child,
            address: format!("https://127.0.0.1:{port}"),
        }
    }

    /// The process's peak resident memory so far, in KiB.
    fn peak_kib(&self) -> u64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .ok()
            .and_then(|status| {
                status
                    .lines()
                    .find_map(|line| line.strip_prefix("VmHWM:"))
                    .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
            })
            .unwrap_or(0)
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

fn percentile(sorted: &[Duration], fraction: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let index = ((sorted.len() as f64 * fraction).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[index].as_secs_f64() * 1000.0
}

fn print(figures: &[Figures], clients: usize, scale: &str) {
    println!();
    println!(
        "Mode serveur : {clients} personnes à la fois, MySQL, échelle {scale}, {} s mesurées par configuration",
        figures
            .first()
            .map(|run| run.elapsed.as_secs())
            .unwrap_or(0)
    );
    println!();
    println!(
        "| configuration | requêtes/s | lectures de page/s | p50 (ms) | p95 (ms) | p99 (ms) | p99 lectures (ms) | échecs | export CSV | mémoire serveur (pic) | processeur (s) : clients / serveur / base |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    for run in figures {
        let seconds = run.elapsed.as_secs_f64();
        let mut all: Vec<Duration> = run.latencies.iter().map(|(_, time)| *time).collect();
        all.sort();
        let mut reads: Vec<Duration> = run
            .latencies
            .iter()
            .filter(|(kind, _)| matches!(kind, Kind::ContractPage | Kind::CustomerPage))
            .map(|(_, time)| *time)
            .collect();
        reads.sort();
        let export = match run.export {
            Some((time, bytes)) => format!(
                "{:.1} s ({:.1} Mo)",
                time.as_secs_f64(),
                bytes as f64 / 1_000_000.0
            ),
            None => "—".to_owned(),
        };
        let memory = match run.peak_kib {
            Some(kib) => format!("{:.0} Mio", kib as f64 / 1024.0),
            None => "—".to_owned(),
        };
        println!(
            "| {} | {:.0} | {:.0} | {:.1} | {:.1} | {:.1} | {:.1} | {} | {} | {} | {:.1} / {:.1} / {:.1} |",
            run.setup,
            all.len() as f64 / seconds,
            reads.len() as f64 / seconds,
            percentile(&all, 0.50),
            percentile(&all, 0.95),
            percentile(&all, 0.99),
            percentile(&reads, 0.99),
            run.failures,
            export,
            memory,
            run.processor[0],
            run.processor[1],
            run.processor[2]
        );
    }
    println!();
    println!("Par sorte de requête (p50 / p95 / p99, ms) :");
    println!();
    print!("| sorte |");
    for run in figures {
        print!(" {} |", run.setup);
    }
    println!();
    print!("|---|");
    for _ in figures {
        print!("---|");
    }
    println!();
    for (kind, name) in KINDS {
        print!("| {name} |");
        for run in figures {
            let mut times: Vec<Duration> = run
                .latencies
                .iter()
                .filter(|(measured, _)| *measured == kind)
                .map(|(_, time)| *time)
                .collect();
            times.sort();
            print!(
                " {:.1} / {:.1} / {:.1} |",
                percentile(&times, 0.50),
                percentile(&times, 0.95),
                percentile(&times, 0.99)
            );
        }
        println!();
    }
}
