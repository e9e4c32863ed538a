import Fluent

struct M007_CreateTasks: AsyncMigration {
    var name: String { "007_CreateTasks" }

    func prepare(on db: any Database) async throws {
        try await db.schema("tasks")
            .field(.id, .int, .identifier(auto: true))
            .field("inspection_id", .int, .required, .references("inspections", .id, onDelete: .cascade))
            .field("number", .int, .required)
            .field("title", .string, .required)
            .field("target", .string, .required)
            .field("measures", .string, .required)
            .field("kind", .string, .required)
            .field("deadline", .string)
            .field("lead_official", .string, .required)
            .field("parent_task_id", .int, .references("tasks", .id))
            .field("typical", .bool, .required)
            .field("state", .string, .required)
            .field("progress_status", .string)
            .field("remarks", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "inspection_id", "number")
            .create()
        // The ledger filters by state and status within an inspection, and by deadline.
        try await createIndex(on: db, "tasks_inspection_state", table: "tasks", columns: ["inspection_id", "state"])
        try await createIndex(on: db, "tasks_inspection_status", table: "tasks", columns: ["inspection_id", "progress_status"])
        try await createIndex(on: db, "tasks_deadline", table: "tasks", columns: ["deadline"])
        try await createIndex(on: db, "tasks_parent", table: "tasks", columns: ["parent_task_id"])
    }

    func revert(on db: any Database) async throws {
        try await db.schema("tasks").delete()
    }
}
