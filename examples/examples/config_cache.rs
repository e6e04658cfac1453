//! An ETS-backed configuration cache: the Elixir OTP guide's `MyApp.ConfigCache`, with an heir
//! that keeps the table while the cache is restarted.
//!
//! The Elixir it replaces (abridged):
//!
//! ```elixir
//! defmodule MyApp.ConfigCache do
//!   use GenServer
//!   @table :config_cache
//!   def start_link(_opts), do: GenServer.start_link(__MODULE__, [], name: __MODULE__)
//!   def get(key) do                                  # straight from the table: no message
//!     case :ets.lookup(@table, key) do
//!       [{^key, value}] -> {:ok, value}
//!       [] -> :error
//!     end
//!   end
//!   def put(key, value), do: (:ets.insert(@table, {key, value}); :ok)
//!   def init(_) do
//!     table = :ets.new(@table, [:set, :public, :named_table, read_concurrency: true])
//!     {:ok, %{table: table}}
//!   end
//! end
//! ```
//!
//! The guide's table dies with its owner: a crash of the ConfigCache loses every row. Here the
//! table names an heir, a `TableKeeper` started before the cache under the same one_for_one
//! supervisor (`{heir, KeeperPid, :config_cache}` in ETS terms). When the cache crashes the
//! keeper receives the table (ETS's `{'ETS-TRANSFER', ..}`, here a `TableTransfer` info
//! message); the supervisor restarts the cache, whose `init` asks the keeper for the table
//! back, and the keeper hands it over with `give_away` (another `TableTransfer`, to the new
//! cache). `{:ok, value}` / `:error` become `Some(value)` / `None`. Instead of a named table,
//! clients ask the cache once for a `Config`, a clone of the public table's handle; its `get`
//! and `put` go to the table directly and keep working through crashes and changes of owner.
//!
//! The program writes three rows, reads them from four tasks while the cache is stuck in a
//! handler (reads never wait on its mailbox), then crashes the cache twice, a panic in a
//! handler and a kill, with two threads reading all along, and checks that every row survived.
//! Rust's panic hook prints the panic's message on stderr, and the runtime logs each abnormal
//! exit at error level (through `tracing`, on stdout).
//!
//! Run it with `cargo run --example config_cache`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use otp_core::prelude::*;
use otp_core::{
    Public, Set, SupervisorRef, Table, TableError, TableOptions, TableTransfer, supervisor,
};
use tokio::sync::oneshot;
use tokio::time::Instant;

/// The cache's table: a public set of strings, as `[:set, :public]`.
type ConfigTable = Table<String, String, Set, Public>;

/// What the heir and the new owner receive: the heir data and the gift are the table's name.
type Transfer = TableTransfer<String, String, Set, Public, &'static str>;

/// The table's name, given as heir data and as the gift of `give_away`.
const TABLE_NAME: &str = "config_cache";

/// The rows the program writes first; the background readers look them up.
const ROWS: [(&str, &str); 3] = [
    ("database_url", "postgres://localhost/my_app"),
    ("pool_size", "10"),
    ("log_level", "info"),
];

/// The client side of the cache: `ConfigCache.get/1` and `put/2`. Both go to the table, never
/// to the ConfigCache's mailbox. A clone of a public table's handle: it reads and writes
/// whoever owns the table, for as long as the table lives.
#[derive(Clone)]
struct Config {
    table: ConfigTable,
}

impl Config {
    /// `{:ok, value}` or `:error`.
    fn get(&self, key: &str) -> Result<Option<String>, TableError> {
        self.table.lookup(key)
    }

    fn put(&self, key: &str, value: &str) -> Result<(), TableError> {
        self.table.insert(key.to_owned(), value.to_owned())
    }
}

/// The table's heir: holds the table from a crash of its owner until the restarted owner asks
/// for it back.
struct TableKeeper {
    table: Option<ConfigTable>,
}

#[genserver]
impl TableKeeper {
    #[init]
    fn init(_args: ()) -> Self {
        TableKeeper { table: None }
    }

    /// The owner exited: the table is now the keeper's, every row in it.
    #[handle_info]
    fn inherit(&mut self, transfer: Transfer) {
        let rows = transfer.table.len().unwrap_or(0);
        println!(
            "  TableKeeper: inherited table {:?} from {} with {rows} rows",
            transfer.data, transfer.from
        );
        self.table = Some(transfer.table);
    }

    /// Gives the table to `owner` if the keeper holds it: `owner` then receives a
    /// `TableTransfer`, queued before this reply. False when there is nothing to give.
    #[handle_call]
    fn hand_back(&mut self, owner: Pid) -> bool {
        let Some(table) = self.table.take() else {
            return false;
        };
        match table.give_away(&owner, TABLE_NAME) {
            Ok(()) => {
                println!("  TableKeeper: gave the table to {owner}");
                true
            }
            Err(failed) => {
                tracing::warn!(reason = %failed.reason, "could not give the table away");
                self.table = Some(failed.table);
                false
            }
        }
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, msg: AnyMessage) {
        tracing::warn!(?msg, "unexpected message");
    }
}

/// Owns the table. Clients read and write it directly; the server only creates it (or takes
/// it back from the keeper) and reloads it from a config text.
struct ConfigCache {
    /// `None` only between a restart's `init` and the keeper's `TableTransfer`, which is the
    /// first message in the mailbox: no call is handled before it.
    table: Option<ConfigTable>,
}

#[genserver]
impl ConfigCache {
    /// The first start creates the table with the keeper as heir; a restart asks the keeper
    /// for the table it inherited.
    #[init]
    async fn init(_args: (), ctx: &mut Context<Self>) -> Result<Self, InitError> {
        let keeper = TableKeeper::whereis("table_keeper")
            .ok_or_else(|| InitError::Stop(ExitReason::ShutdownWith("no table_keeper".into())))?;
        if keeper.hand_back(ctx.pid().clone()).await? {
            println!(
                "  ConfigCache {}: started, the keeper is handing the table back",
                ctx.pid()
            );
            return Ok(ConfigCache { table: None });
        }
        let options = TableOptions::new().public().heir(&keeper.pid(), TABLE_NAME);
        let table = Table::new(Set, options)?;
        println!(
            "  ConfigCache {}: started, created a public set with heir {}",
            ctx.pid(),
            keeper.pid()
        );
        Ok(ConfigCache { table: Some(table) })
    }

    /// The table back from the keeper, with the rows the previous owner left.
    #[handle_info]
    fn take_back(&mut self, transfer: Transfer, ctx: &mut Context<Self>) {
        let rows = transfer.table.len().unwrap_or(0);
        println!(
            "  ConfigCache {}: received table {:?} from {} with {rows} rows",
            ctx.pid(),
            transfer.data,
            transfer.from
        );
        self.table = Some(transfer.table);
    }

    fn table(&self) -> &ConfigTable {
        self.table
            .as_ref()
            .expect("the keeper's TableTransfer is handled before any call")
    }

    /// A client handle on the table: the one message a client sends.
    #[handle_call]
    fn config(&mut self) -> Config {
        Config {
            table: self.table().clone(),
        }
    }

    #[handle_call]
    fn rows(&mut self) -> Result<usize, TableError> {
        self.table().len()
    }

    /// Loads `key=value` lines one at a time; the number of lines loaded. It trusts its input:
    /// a line without `=` panics, after the lines before it were written.
    #[handle_call]
    fn reload(&mut self, text: String) -> Result<usize, TableError> {
        let mut loaded = 0;
        for line in text.lines() {
            let (key, value) = line.split_once('=').expect("a config line is key=value");
            self.table().insert(key.to_owned(), value.to_owned())?;
            loaded += 1;
        }
        Ok(loaded)
    }

    /// Keeps the server busy in a handler, its mailbox unread, until `release` fires.
    #[handle_cast]
    async fn hold(&mut self, release: oneshot::Receiver<()>) {
        let _ = release.await;
    }

    #[terminate]
    fn terminate(&mut self, reason: &ExitReason, ctx: &mut Context<Self>) {
        println!("  ConfigCache {}: terminating: {reason}", ctx.pid());
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, msg: AnyMessage) {
        tracing::warn!(?msg, "unexpected message");
    }
}

/// Looks up every row of `ROWS` `rounds` times; the number of hits.
async fn read_rounds(config: Config, rounds: usize) -> Result<usize, TableError> {
    let mut hits = 0;
    for round in 0..rounds {
        for (key, value) in ROWS {
            if config.get(key)?.as_deref() == Some(value) {
                hits += 1;
            }
        }
        if round % 64 == 0 {
            tokio::task::yield_now().await;
        }
    }
    Ok(hits)
}

/// Looks up every row of `ROWS` until `stop` is set, on a thread of its own (a lookup is an
/// ordinary function call: it needs no runtime); tells `started` after the first round.
/// Returns the lookups, and the ones that missed or failed.
fn read_until(config: Config, started: oneshot::Sender<()>, stop: Arc<AtomicBool>) -> (u64, u64) {
    let (mut lookups, mut failed) = (0, 0);
    let mut started = Some(started);
    while started.is_some() || !stop.load(Ordering::Relaxed) {
        for (key, value) in ROWS {
            lookups += 1;
            if config.get(key).ok().flatten().as_deref() != Some(value) {
                failed += 1;
            }
        }
        if let Some(started) = started.take() {
            let _ = started.send(());
        }
    }
    (lookups, failed)
}

/// Waits for the crashed cache `old` to exit, then for the supervisor to restart it: the exit
/// signal is in the supervisor's mailbox before this call, so its answer comes after the
/// restart. A call on the new cache is handled after the table came back.
async fn restarted(
    sup: &SupervisorRef,
    old: &Pid,
) -> Result<ConfigCacheRef, Box<dyn std::error::Error>> {
    let reason = old.wait_exit().await;
    println!("  the old ConfigCache {old} exited: {reason}");
    let pid = sup
        .child_pid("ConfigCache")
        .await?
        .ok_or("the supervisor has no running ConfigCache")?;
    let cache = ConfigCache::whereis("config_cache").ok_or("no process named config_cache")?;
    assert_eq!(cache.pid(), pid);
    let rows = cache.rows().await??;
    let owner = cache.config().await?.table.owner()?;
    println!("  restarted ConfigCache {pid}: the table's owner is {owner}, {rows} rows");
    Ok(cache)
}

/// Prints every row, read straight from the table through a handle made before the crashes.
fn print_rows(config: &Config, keys: &[&str]) -> Result<(), TableError> {
    for key in keys {
        println!("  get {key:<12} -> {:?}", config.get(key)?);
    }
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .init();
    let began = Instant::now();

    println!("1. the tree: TableKeeper, then ConfigCache, one_for_one");
    let sup = supervisor! {
        strategy: one_for_one,
        children: [
            TableKeeper(()) { name = "table_keeper" },
            ConfigCache(()) { name = "config_cache" },
        ],
    }
    .start_link()
    .await?;
    let cache = ConfigCache::whereis("config_cache").ok_or("no process named config_cache")?;
    let config = cache.config().await?;
    for (key, value) in ROWS {
        config.put(key, value)?;
    }
    println!(
        "  put {} rows from main, straight into the table; owner {}, heir {:?}",
        ROWS.len(),
        config.table.owner()?,
        config.table.heir()?.map(|pid| pid.to_string())
    );
    print_rows(&config, &["pool_size", "missing"])?;

    println!("2. four tasks read while the ConfigCache is stuck in a handler");
    let (release, held) = oneshot::channel();
    cache.hold(held);
    let start = Instant::now();
    let readers: Vec<_> = (0..4)
        .map(|_| tokio::spawn(read_rounds(config.clone(), 10_000)))
        .collect();
    let mut hits = 0;
    for reader in readers {
        hits += reader.await??;
    }
    println!(
        "  {hits} of {} lookups hit, in {:?}, the server's mailbox unread all along",
        4 * 10_000 * ROWS.len(),
        start.elapsed()
    );
    let _ = release.send(());
    println!(
        "  released the server: it has {} rows",
        cache.rows().await??
    );

    println!("3. two threads read while the ConfigCache crashes twice");
    let stop = Arc::new(AtomicBool::new(false));
    let mut background = Vec::new();
    for _ in 0..2 {
        let (started, running) = oneshot::channel();
        let (config, stop) = (config.clone(), Arc::clone(&stop));
        background.push(tokio::task::spawn_blocking(move || {
            read_until(config, started, stop)
        }));
        running.await?;
    }

    println!("  reload with a bad line: the handler panics after writing theme=dark");
    let reply = cache
        .reload("theme=dark\nthis line has no equals sign\nlocale=en".into())
        .await;
    println!("  reload -> {reply:?}");
    let cache = restarted(&sup, &cache.pid()).await?;
    print_rows(
        &config,
        &["database_url", "pool_size", "log_level", "theme"],
    )?;

    println!("  kill the ConfigCache: no terminate, the heir still takes the table");
    cache.pid().kill();
    let cache = restarted(&sup, &cache.pid()).await?;
    config.put("locale", "en")?;
    print_rows(&config, &["pool_size", "theme", "locale"])?;

    stop.store(true, Ordering::Relaxed);
    let (mut lookups, mut failed) = (0, 0);
    for reader in background {
        let (done, missed) = reader.await?;
        lookups += done;
        failed += missed;
    }
    println!(
        "  background readers: {lookups} lookups during both crashes and restarts, {failed} missed or failed"
    );
    println!(
        "  the rows survived both crashes: {} rows",
        cache.rows().await??
    );

    println!("4. stop the tree");
    sup.stop(ExitReason::Shutdown).await?;
    println!(
        "  after the keeper stopped too, get pool_size -> {:?}",
        config.get("pool_size")
    );
    println!("done in {:?}", began.elapsed());
    Ok(())
}
