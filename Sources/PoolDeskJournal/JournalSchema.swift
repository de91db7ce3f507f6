import GRDB

// # The PoolDesk journal (schema version 1)
//
// One SQLite file per session, in WAL mode, readable with the `sqlite3` tool. The header carries
// `PRAGMA application_id = 1346651210` (0x5044_4B4A, "PDKJ") so a foreign database is recognised, and
// `PRAGMA user_version` = the schema version, so a newer file is refused rather than misread.
//
// The engine is deterministic: state = f(seed, configuration, scenario, commands with the simulated time each
// was applied at). The journal keeps those inputs, every event they produced (for people, exports and the
// tamper check), clock checkpoints (so the simulated clock survives a kill) and periodic engine snapshots
// (so recovery need not replay a long session from the start).
//
// Tables (times are milliseconds since 1970-01-01 on the *simulated* clock; `*_at` columns are wall-clock
// ISO-8601 text; money in `payload`/`command` JSON is integer millionths):
//
//     session      (id = 1, format 'pooldesk-journal', seed TEXT, configuration JSON, scenario JSON,
//                   desk_account, created_at, created_by, genesis_hash)
//     commands     (id 1, 2, …, sim_time, after_seq, kind, command JSON, recorded_at, hash)
//                   after_seq: the last event sequence before the command was applied.
//     events       (seq 1, 2, …, sim_time, command_id or NULL, kind, account or NULL, series or NULL,
//                   payload JSON, hash)
//                   command_id is NULL for events of the scenario set-up and of the simulation (`advance`).
//     checkpoints  (id, sim_time, last_seq, command_count, head_hash, recorded_at): the clock and chain head
//                   at the end of each write; the last one is where a resumed session continues from.
//     snapshots    (id, sim_time, last_seq, command_count, engine JSON BLOB, recorded_at): the whole engine;
//                   only the newest few are kept, because they are derived data that `verify` re-checks.
//
//     order_labels (account, label, command_id, instrument, direction, amount, order_type, price, index_price,
//                   mark_price, recorded_at), primary key (account, label): the client's label of a `private/buy` or
//                   `private/sell` served over the API, written in the same transaction as its command, so a client
//                   that lost the reply learns the outcome (the command's `orderFilled` or `orderRejected` event) and
//                   a retried label is not placed twice. `amount` and `price` (limit per contract, NULL for market)
//                   are integer millionths; `index_price` and `mark_price` are the spot and model mark after the
//                   command. Additive: created when a journal is opened for writing, so release-1 journals without it
//                   open, verify, replay and export unchanged; labels are client metadata outside the hash chain.
//                   Also for `private/close_position`, for combos (`instrument` the `COMBO:` id, `amount` its units,
//                   `price` the net per unit, negative for a credit; the outcome is the command's legs' fills and its
//                   `strategyOpened`, or its refusal) and for `private/close_strategy` (`instrument` the strategy id,
//                   `strat3`; `direction` `sell`; `amount` the leg's contracts, 0 for the whole strategy).
//     Partial indexes `events_fills_by_series` and `events_fills_by_account` (on orderFilled rows) keep the API's
//     trade-history pages bounded reads; they are additive too.
//
// Views with plain columns for people: `fills`, `settlements`, `liquidations`, `lp_flows`, `accounts`.
// For example `sqlite3 FILE "select time, series, side, quantity, premium, fee from fills where account = 1"`.
//
// Hash chain. Commands and events form one chain in the order they happened (a command sits after the event
// `after_seq` and before the events it produced). Each row's `hash` is lower-case hex of
// SHA-256(previous digest, 32 raw bytes ‖ canonical bytes), where the canonical bytes are UTF-8 text:
//
//     event:    E|seq|sim_time|command_id or empty|kind|account or empty|series or empty|payload
//     command:  C|id|sim_time|after_seq|kind|command
//
// and the first previous digest is `genesis_hash` = SHA-256("pooldesk-journal|1|" seed "|" configuration "|"
// scenario). `pooldesk verify FILE` recomputes the chain, replays the commands and compares every event.
//
// Durability: every command and the events it produced are written in one transaction (after any simulation
// events still pending before it) before the dashboard shows them; simulation events are batched a few times
// a second. A torn last transaction is discarded by SQLite's WAL recovery, leaving the last complete one.

/// The journal's schema: version, identification and forward migrations.
public enum JournalSchema {
    /// The schema version this build writes; it reads this and every earlier version (migrating forward).
    public static let currentVersion = 1
    /// `PRAGMA application_id` of a PoolDesk journal ("PDKJ").
    public static let applicationID: Int32 = 0x5044_4B4A
    /// The `session.format` value.
    public static let format = "pooldesk-journal"

    /// Migrations by the version they produce; each runs once, in a transaction, in order.
    static let migrations: [(version: Int, migrate: @Sendable (Database) throws -> Void)] = [
        (1, createVersion1),
    ]

    /// Brings a journal at `fromVersion` up to `currentVersion` in one transaction.
    static func migrate(_ db: Database, from fromVersion: Int) throws {
        for migration in migrations where migration.version > fromVersion {
            try migration.migrate(db)
            try db.execute(sql: "PRAGMA user_version = \(migration.version)")
        }
    }

    /// Additive tables and indexes (no version bump: a journal without them is still a valid version-1 journal,
    /// and builds that do not know them ignore them). Created if missing whenever a journal is opened for writing.
    static func createAdditions(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE IF NOT EXISTS order_labels (
                account INTEGER NOT NULL,
                label TEXT NOT NULL,
                command_id INTEGER NOT NULL REFERENCES commands(id),
                instrument TEXT NOT NULL,
                direction TEXT NOT NULL,
                amount INTEGER NOT NULL,
                order_type TEXT NOT NULL,
                price INTEGER,
                index_price REAL,
                mark_price REAL,
                recorded_at TEXT NOT NULL,
                PRIMARY KEY (account, label)
            );
            CREATE INDEX IF NOT EXISTS order_labels_command ON order_labels(command_id);
            CREATE INDEX IF NOT EXISTS events_fills_by_series ON events(series, seq) WHERE kind = 'orderFilled';
            CREATE INDEX IF NOT EXISTS events_fills_by_account ON events(account, seq) WHERE kind = 'orderFilled';
            """)
    }

    private static func createVersion1(_ db: Database) throws {
        try db.execute(sql: """
            PRAGMA application_id = \(applicationID);
            CREATE TABLE session (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                format TEXT NOT NULL,
                seed TEXT NOT NULL,
                configuration TEXT NOT NULL,
                scenario TEXT NOT NULL,
                desk_account INTEGER NOT NULL,
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL,
                genesis_hash TEXT NOT NULL
            );
            CREATE TABLE commands (
                id INTEGER PRIMARY KEY,
                sim_time INTEGER NOT NULL,
                after_seq INTEGER NOT NULL,
                kind TEXT NOT NULL,
                command TEXT NOT NULL,
                recorded_at TEXT NOT NULL,
                hash TEXT NOT NULL
            );
            CREATE TABLE events (
                seq INTEGER PRIMARY KEY,
                sim_time INTEGER NOT NULL,
                command_id INTEGER REFERENCES commands(id),
                kind TEXT NOT NULL,
                account INTEGER,
                series TEXT,
                payload TEXT NOT NULL,
                hash TEXT NOT NULL
            );
            CREATE INDEX events_kind ON events(kind, seq);
            CREATE TABLE checkpoints (
                id INTEGER PRIMARY KEY,
                sim_time INTEGER NOT NULL,
                last_seq INTEGER NOT NULL,
                command_count INTEGER NOT NULL,
                head_hash TEXT NOT NULL,
                recorded_at TEXT NOT NULL
            );
            CREATE TABLE snapshots (
                id INTEGER PRIMARY KEY,
                sim_time INTEGER NOT NULL,
                last_seq INTEGER NOT NULL,
                command_count INTEGER NOT NULL,
                engine BLOB NOT NULL,
                recorded_at TEXT NOT NULL
            );
            CREATE VIEW accounts AS
                SELECT json_extract(payload, '$.accountOpened.account') AS account,
                       json_extract(payload, '$.accountOpened.name') AS name,
                       json_extract(payload, '$.accountOpened.role') AS role,
                       json_extract(payload, '$.accountOpened.funding') / 1e6 AS funding,
                       seq, strftime('%Y-%m-%dT%H:%M:%SZ', sim_time / 1000, 'unixepoch') AS time
                FROM events WHERE kind = 'accountOpened';
            CREATE VIEW fills AS
                SELECT seq, strftime('%Y-%m-%dT%H:%M:%SZ', sim_time / 1000, 'unixepoch') AS time, sim_time,
                       account, series,
                       json_extract(payload, '$.orderFilled._0.side') AS side,
                       json_extract(payload, '$.orderFilled._0.quantity') / 1e6 AS quantity,
                       json_extract(payload, '$.orderFilled._0.premium') / 1e6 AS premium,
                       json_extract(payload, '$.orderFilled._0.fee') / 1e6 AS fee,
                       json_extract(payload, '$.orderFilled._0.pricePerContract') AS price_per_contract,
                       json_extract(payload, '$.orderFilled._0.volatilityBefore') AS iv_before,
                       json_extract(payload, '$.orderFilled._0.volatilityAfter') AS iv_after,
                       json_extract(payload, '$.orderFilled._0.utilizationAfter') AS utilization_after,
                       json_extract(payload, '$.orderFilled._0.closedQuantity') / 1e6 AS closed_quantity,
                       json_extract(payload, '$.orderFilled._0.realizedPnL') / 1e6 AS realized_pnl,
                       json_extract(payload, '$.orderFilled._0.collateralChange') / 1e6 AS collateral_change,
                       json_extract(payload, '$.orderFilled._0.isLiquidation') AS is_liquidation,
                       command_id
                FROM events WHERE kind = 'orderFilled';
            CREATE VIEW settlements AS
                SELECT seq, strftime('%Y-%m-%dT%H:%M:%SZ', sim_time / 1000, 'unixepoch') AS time, sim_time,
                       account, series,
                       json_extract(payload, '$.positionSettled._0.quantity') / 1e6 AS quantity,
                       json_extract(payload, '$.positionSettled._0.spot') AS spot,
                       json_extract(payload, '$.positionSettled._0.payoff') / 1e6 AS payoff,
                       json_extract(payload, '$.positionSettled._0.collateralReleased') / 1e6 AS collateral_released,
                       json_extract(payload, '$.positionSettled._0.realizedPnL') / 1e6 AS realized_pnl,
                       json_extract(payload, '$.positionSettled._0.shortfall') / 1e6 AS shortfall
                FROM events WHERE kind = 'positionSettled';
            CREATE VIEW liquidations AS
                SELECT seq, strftime('%Y-%m-%dT%H:%M:%SZ', sim_time / 1000, 'unixepoch') AS time, sim_time,
                       account, series,
                       json_extract(payload, '$.liquidated._0.quantity') / 1e6 AS quantity,
                       json_extract(payload, '$.liquidated._0.collateral') / 1e6 AS collateral,
                       json_extract(payload, '$.liquidated._0.minimumCollateral') / 1e6 AS minimum_collateral,
                       json_extract(payload, '$.liquidated._0.buybackCost') / 1e6 AS buyback_cost,
                       json_extract(payload, '$.liquidated._0.penalty') / 1e6 AS penalty,
                       json_extract(payload, '$.liquidated._0.returned') / 1e6 AS returned,
                       json_extract(payload, '$.liquidated._0.shortfall') / 1e6 AS shortfall
                FROM events WHERE kind = 'liquidated';
            CREATE VIEW lp_flows AS
                SELECT seq, strftime('%Y-%m-%dT%H:%M:%SZ', sim_time / 1000, 'unixepoch') AS time, sim_time,
                       account, kind,
                       coalesce(json_extract(payload, '$.deposited.amount'), json_extract(payload, '$.withdrawn.amount')) / 1e6 AS amount,
                       coalesce(json_extract(payload, '$.deposited.shares'), json_extract(payload, '$.withdrawn.shares'),
                                json_extract(payload, '$.withdrawalQueued.shares')) / 1e6 AS shares,
                       json_extract(payload, '$.withdrawn.fee') / 1e6 AS fee,
                       coalesce(json_extract(payload, '$.deposited.sharePrice'), json_extract(payload, '$.withdrawn.sharePrice')) AS share_price
                FROM events WHERE kind IN ('deposited', 'withdrawn', 'withdrawalQueued');
            """)
    }
}
