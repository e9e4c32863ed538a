import Fluent

/// 认领 and 报账: claims by assigned units, progress reports with review and revision
/// history, and the dispatch rounds (调度) that call for them.
struct M012_CreateClaimsAndReports: AsyncMigration {
    var name: String { "012_CreateClaimsAndReports" }

    func prepare(on db: any Database) async throws {
        try await db.schema("task_claims")
            .field(.id, .int, .identifier(auto: true))
            .field("task_id", .int, .required, .references("tasks", .id, onDelete: .cascade))
            .field("unit_id", .int, .required, .references("units", .id))
            .field("user_id", .int, .required, .references("users", .id))
            .field("claimed_at", .datetime, .required)
            .unique(on: "task_id", "unit_id")
            .create()
        try await db.schema("dispatch_rounds")
            .field(.id, .int, .identifier(auto: true))
            .field("region_code", .int, .required, .references("regions", "code"))
            .field("name", .string, .required)
            .field("due_date", .string, .required)
            .field("opened_by", .int, .required, .references("users", .id))
            .field("opened_at", .datetime, .required)
            .field("closed_at", .datetime)
            .field("frozen_json", .string)
            .create()
        try await createIndex(on: db, "dispatch_rounds_region", table: "dispatch_rounds", columns: ["region_code", "closed_at"])
        try await db.schema("progress_reports")
            .field(.id, .int, .identifier(auto: true))
            .field("task_id", .int, .required, .references("tasks", .id, onDelete: .cascade))
            .field("unit_id", .int, .required, .references("units", .id))
            .field("author_id", .int, .required, .references("users", .id))
            .field("round_id", .int, .references("dispatch_rounds", .id))
            .field("narrative", .string, .required)
            .field("percent", .int)
            .field("milestones_reached", .string, .required)
            .field("difficulties", .string, .required)
            .field("next_steps", .string, .required)
            .field("status", .string, .required)
            .field("review_reason", .string)
            .field("reviewer_id", .int, .references("users", .id))
            .field("reviewed_at", .datetime)
            .field("submitted_at", .datetime, .required)
            .field("revises_id", .int, .references("progress_reports", .id))
            .create()
        try await createIndex(on: db, "progress_reports_task", table: "progress_reports", columns: ["task_id", "status", "submitted_at"])
        try await createIndex(on: db, "progress_reports_round", table: "progress_reports", columns: ["round_id", "unit_id"])
    }

    func revert(on db: any Database) async throws {
        for table in ["progress_reports", "dispatch_rounds", "task_claims"] { try await db.schema(table).delete() }
    }
}
