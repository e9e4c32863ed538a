import Fluent

/// 佐证材料: files stored once by SHA-256, linked to tasks (and reports) per upload.
struct M015_CreateEvidence: AsyncMigration {
    var name: String { "015_CreateEvidence" }

    func prepare(on db: any Database) async throws {
        try await db.schema("evidence_files")
            .field(.id, .int, .identifier(auto: true))
            .field("sha256", .string, .required)
            .field("size", .int, .required)
            .field("kind", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "sha256")
            .create()
        try await db.schema("evidence_links")
            .field(.id, .int, .identifier(auto: true))
            .field("file_id", .int, .required, .references("evidence_files", .id))
            .field("task_id", .int, .required, .references("tasks", .id, onDelete: .cascade))
            .field("report_id", .int, .references("progress_reports", .id))
            .field("original_name", .string, .required)
            .field("public", .bool, .required)
            .field("uploaded_by", .int, .required, .references("users", .id))
            .field("uploaded_at", .datetime, .required)
            .create()
        try await createIndex(on: db, "evidence_links_task", table: "evidence_links", columns: ["task_id"])
    }

    func revert(on db: any Database) async throws {
        try await db.schema("evidence_links").delete()
        try await db.schema("evidence_files").delete()
    }
}
