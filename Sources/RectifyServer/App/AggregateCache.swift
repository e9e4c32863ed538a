import Fluent
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// Aggregates that are the same for every viewer of a scope (the portal's counts, the
/// dashboard's rankings) are computed once per change of the data, not once per request.
///
/// Each entry is kept with the database's change marker at the time it was computed and
/// is used only while the marker is unchanged, so a write on any instance (several share
/// one PostgreSQL) invalidates it at once:
/// - PostgreSQL: the current snapshot (`pg_current_snapshot()`), which changes whenever a
///   transaction that wrote anything starts or ends;
/// - SQLite: the newest audit event. Every write is one transaction with its audit event
///   and SQLite commits one writer at a time, so a new commit always shows as a new id.
/// Reading the marker is one primary-key or catalogue lookup.
final class AggregateCache: Sendable {
    struct Entry {
        let marker: String
        let value: any Sendable
        /// When it was last given (the state's clock), so a full cache lets go of the least used.
        var used: UInt64
    }

    private struct State {
        var entries: [String: Entry] = [:]
        /// Computations under way: requests that miss together wait for one computation
        /// instead of each running the same aggregate (after a write, every viewer misses at once).
        var running: [String: (marker: String, task: Task<any Sendable, any Error>)] = [:]
        /// How many answers came from the cache (tests check it is used).
        var hits = 0
        /// Counts every lookup: the entries' `used`.
        var clock: UInt64 = 0
        /// The marker the latest lookup read: the data as it is now.
        var latest = ""
    }

    /// A lock, not an actor: a hit is a dictionary lookup, and waits for nothing.
    private let state = NIOLockedValueBox(State())
    /// Scopes are few (one per office region, unit or role set); the bound guards memory (a
    /// task page's body, in `Application.pageCache`, is some 10–40 KB).
    let capacity: Int

    init(capacity: Int = 1_024) {
        self.capacity = max(1, capacity)
    }

    var hits: Int { state.withLockedValue { $0.hits } }
    var count: Int { state.withLockedValue { $0.entries.count } }

    func value<T: Sendable>(_ key: String, marker: String, compute: @escaping @Sendable () async throws -> T) async throws -> T {
        let (hit, task) = state.withLockedValue { s -> (T?, Task<any Sendable, any Error>?) in
            s.clock &+= 1
            s.latest = marker
            if let e = s.entries[key], e.marker == marker, let v = e.value as? T {
                s.hits += 1
                s.entries[key]?.used = s.clock
                return (v, nil)
            }
            if let r = s.running[key], r.marker == marker { return (nil, r.task) }
            let task = Task<any Sendable, any Error> { try await compute() }
            s.running[key] = (marker, task)
            return (nil, task)
        }
        if let hit { return hit }
        guard let task else { return try await compute() }
        let result = await task.result
        state.withLockedValue { s in
            if s.running[key]?.marker == marker { s.running[key] = nil }
        }
        // Two callers sharing a key with different types would be a mistake: compute, uncached.
        guard let v = try result.get() as? T else { return try await compute() }
        state.withLockedValue { s in
            // A computation finishing late does not replace the answer for the data as it is now.
            if let e = s.entries[key], e.marker == s.latest, marker != s.latest { return }
            if s.entries[key] == nil, s.entries.count >= capacity { Self.makeRoom(in: &s, capacity: capacity) }
            s.clock &+= 1
            s.entries[key] = Entry(marker: marker, value: v, used: s.clock)
        }
        return v
    }

    /// Entries of a marker other than the latest lookup's are of data that has changed since: they
    /// go first (so a slow computation finishing late pushes out stale entries, not current ones).
    /// If that is not enough, the least recently used quarter goes (one sort per quarter's inserts).
    private static func makeRoom(in s: inout State, capacity: Int) {
        let latest = s.latest
        s.entries = s.entries.filter { $0.value.marker == latest }
        guard s.entries.count >= capacity else { return }
        let drop = s.entries.map { ($0.key, $0.value.used) }.sorted { $0.1 < $1.1 }.prefix(max(1, capacity / 4))
        for (key, _) in drop { s.entries[key] = nil }
    }

    /// The database's change marker now (see the type's comment).
    static func marker(on db: any Database) async throws -> String {
        try await markerAndUnread(on: db, userID: nil).marker
    }

    /// The marker, and in the same statement a user's unread notifications (the header's
    /// count), so a signed-in page pays no extra round trip for it.
    static func markerAndUnread(on db: any Database, userID: Int?) async throws -> (marker: String, unread: Int?) {
        guard let sql = db as? any SQLDatabase else { return (UUID().uuidString, nil) }
        struct M: Decodable { let m: String; let unread: Int? }
        let unread: SQLQueryString = userID.map {
            "(SELECT COUNT(*) FROM notifications WHERE user_id = \(bind: $0) AND read_at IS NULL)"
        } ?? "NULL"
        let row: M?
        if sql.dialect.name == "postgresql" {
            row = try await sql.raw("SELECT CAST(pg_current_snapshot() AS TEXT) AS m, \(unread) AS unread").first(decoding: M.self)
        } else {
            row = try await sql.raw("SELECT CAST(COALESCE(MAX(id), 0) AS TEXT) AS m, \(unread) AS unread FROM audit_events")
                .first(decoding: M.self)
        }
        return (row?.m ?? UUID().uuidString, row?.unread)
    }
}

/// Reads of the change marker shared by the requests that ask at the same moment: each
/// request is answered by a statement that began after it asked (so it sees every write
/// committed before it came), but one statement answers all who asked while the previous
/// one ran. Under load that is one trip to the database for many page views instead of one
/// each; alone, a request waits for its own statement as before.
final class MarkerReads: Sendable {
    private struct State {
        var reading = false
        /// Who asked since the statement under way began, each with its request's database.
        var waiting: [(answer: CheckedContinuation<String, any Error>, db: any Database)] = []
        /// Statements run, and requests answered (tests check requests share them).
        var statements = 0
        var answered = 0
    }
    private let state = NIOLockedValueBox(State())
    /// The statement (tests put in one they can hold).
    private let marker: @Sendable (any Database) async throws -> String

    init(marker: @escaping @Sendable (any Database) async throws -> String = { try await AggregateCache.marker(on: $0) }) {
        self.marker = marker
    }

    var statements: Int { state.withLockedValue { $0.statements } }
    var answered: Int { state.withLockedValue { $0.answered } }
    /// How many wait for the next statement (tests).
    var waiting: Int { state.withLockedValue { $0.waiting.count } }

    func read(on db: any Database) async throws -> String {
        try await withCheckedThrowingContinuation { c in
            let lead = state.withLockedValue { s -> Bool in
                s.waiting.append((c, db))
                if s.reading { return false }
                s.reading = true
                return true
            }
            // The first to ask reads, then reads again for everyone who asked meanwhile, until nobody has.
            if lead { Task { await self.readWhileAsked() } }
        }
    }

    private func readWhileAsked() async {
        while true {
            // Everyone waiting asked before this statement begins.
            let batch = state.withLockedValue { s -> [(answer: CheckedContinuation<String, any Error>, db: any Database)] in
                let b = s.waiting
                s.waiting = []
                if b.isEmpty { s.reading = false } else { s.statements += 1; s.answered += b.count }
                return b
            }
            guard let first = batch.first else { return }
            // On the database (event loop, connection, logger) of the batch's first request, not
            // always the one that began the loop: under load the loop never ends, and one
            // connection's queue would hold every page's marker behind that loop's slow queries.
            let result: Result<String, any Error>
            do { result = .success(try await marker(first.db)) } catch { result = .failure(error) }
            for w in batch { w.answer.resume(with: result) }
        }
    }
}

extension Application {
    private struct AggregateCacheKey: StorageKey { typealias Value = AggregateCache }
    private struct MarkerReadsKey: StorageKey { typealias Value = MarkerReads }

    private struct PageCacheKey: StorageKey { typealias Value = AggregateCache }

    /// Made in configure, before any request can race to make it.
    var aggregateCache: AggregateCache { single(AggregateCacheKey.self) { AggregateCache() } }
    /// Pages of single records (a task's, per scope): many and quick to write, so kept apart
    /// from the scope's aggregates — a run through thousands of tasks must not push out the
    /// dashboard, which takes a third of a second to compute again at 100,000 tasks.
    var pageCache: AggregateCache { single(PageCacheKey.self) { AggregateCache(capacity: 2_048) } }
    var markerReads: MarkerReads { single(MarkerReadsKey.self) { MarkerReads() } }
}

extension Request {
    /// `compute` for this scope, or what it gave since the data last changed. A reading
    /// request (GET) reads the marker once, however many aggregates it shows, in a statement
    /// it may share with other readers asking at the same moment (`MarkerReads`).
    func cachedAggregate<T: Sendable>(_ key: String, in cache: AggregateCache? = nil,
                                      _ compute: @escaping @Sendable () async throws -> T) async throws -> T {
        let marker: String
        if method == .GET, let known = storage[MarkerKey.self] {
            marker = known
        } else if method == .GET {
            marker = try await application.markerReads.read(on: db)
            storage[MarkerKey.self] = marker
        } else {
            marker = try await AggregateCache.marker(on: db)
        }
        return try await (cache ?? application.aggregateCache).value(key, marker: marker, compute: compute)
    }

    struct MarkerKey: StorageKey { typealias Value = String }
}
