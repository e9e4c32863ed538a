import Fluent

/// 留痕: an append-only log of every change, each event chained to the one before it
/// by SHA-256.
struct M010_CreateAuditEvents: AsyncMigration {
    var name: String { "010_CreateAuditEvents" }

    func prepare(on db: any Database) async throws {
        try await db.schema("audit_events")
            .field(.id, .int, .identifier(auto: true))
            .field("at", .string, .required)
            .field("user_id", .int)
            .field("user_name", .string, .required)
            .field("action", .string, .required)
            .field("record_type", .string, .required)
            .field("record_id", .int, .required)
            .field("task_id", .int)
            .field("before_json", .string)
            .field("after_json", .string)
            .field("prev_hash", .string, .required)
            .field("hash", .string, .required)
            .unique(on: "hash")
            // Two events may not claim the same predecessor: the chain cannot fork.
            .unique(on: "prev_hash")
            .create()
        try await createIndex(on: db, "audit_events_task", table: "audit_events", columns: ["task_id", "id"])
        try await createIndex(on: db, "audit_events_record", table: "audit_events", columns: ["record_type", "record_id"])
    }

    func revert(on db: any Database) async throws {
        try await db.schema("audit_events").delete()
    }
}
