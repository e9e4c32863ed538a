import Fluent
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
actor AggregateCache {
    struct Entry {
        let marker: String
        let value: any Sendable
    }

    private var entries: [String: Entry] = [:]
    /// Scopes are few (one per office region, unit or role set); the bound only guards memory.
    static let capacity = 512
    /// How many answers came from the cache (tests check it is used).
    private(set) var hits = 0

    func value<T: Sendable>(_ key: String, marker: String, compute: @Sendable () async throws -> T) async throws -> T {
        if let e = entries[key], e.marker == marker, let v = e.value as? T {
            hits += 1
            return v
        }
        let v = try await compute()
        if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
        entries[key] = Entry(marker: marker, value: v)
        return v
    }

    /// The database's change marker now (see the type's comment).
    static func marker(on db: any Database) async throws -> String {
        guard let sql = db as? any SQLDatabase else { return UUID().uuidString }
        struct M: Decodable { let m: String }
        if sql.dialect.name == "postgresql" {
            return try await sql.raw("SELECT CAST(pg_current_snapshot() AS TEXT) AS m").first(decoding: M.self)?.m ?? UUID().uuidString
        }
        return try await sql.raw("SELECT CAST(COALESCE(MAX(id), 0) AS TEXT) AS m FROM audit_events").first(decoding: M.self)?.m
            ?? UUID().uuidString
    }
}

extension Application {
    private struct AggregateCacheKey: StorageKey { typealias Value = AggregateCache }

    /// Made in configure, before any request can race to make it.
    var aggregateCache: AggregateCache { single(AggregateCacheKey.self) { AggregateCache() } }
}

extension Request {
    /// `compute` for this scope, or what it gave since the data last changed.
    func cachedAggregate<T: Sendable>(_ key: String, _ compute: @Sendable () async throws -> T) async throws -> T {
        let marker = try await AggregateCache.marker(on: db)
        return try await application.aggregateCache.value(key, marker: marker, compute: compute)
    }
}
