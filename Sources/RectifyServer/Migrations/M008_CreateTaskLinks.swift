import Fluent

/// A task's units (by role), its problems, milestones and domain tags.
struct M008_CreateTaskLinks: AsyncMigration {
    var name: String { "008_CreateTaskLinks" }

    func prepare(on db: any Database) async throws {
        try await db.schema("task_units")
            .field(.id, .int, .identifier(auto: true))
            .field("task_id", .int, .required, .references("tasks", .id, onDelete: .cascade))
            .field("unit_id", .int, .required, .references("units", .id))
            .field("role", .string, .required)
            .unique(on: "task_id", "unit_id", "role")
            .create()
        try await createIndex(on: db, "task_units_unit_role", table: "task_units", columns: ["unit_id", "role"])
        try await db.schema("task_problems")
            .field(.id, .int, .identifier(auto: true))
            .field("task_id", .int, .required, .references("tasks", .id, onDelete: .cascade))
            .field("problem_id", .int, .required, .references("problems", .id, onDelete: .cascade))
            .unique(on: "task_id", "problem_id")
            .create()
        try await createIndex(on: db, "task_problems_problem", table: "task_problems", columns: ["problem_id"])
        try await db.schema("task_milestones")
            .field(.id, .int, .identifier(auto: true))
            .field("task_id", .int, .required, .references("tasks", .id, onDelete: .cascade))
            .field("date", .string, .required)
            .field("description", .string, .required)
            .create()
        try await createIndex(on: db, "task_milestones_task", table: "task_milestones", columns: ["task_id"])
        try await db.schema("task_tags")
            .field(.id, .int, .identifier(auto: true))
            .field("task_id", .int, .required, .references("tasks", .id, onDelete: .cascade))
            .field("tag", .string, .required)
            .unique(on: "task_id", "tag")
            .create()
        try await createIndex(on: db, "task_tags_tag", table: "task_tags", columns: ["tag"])
    }

    func revert(on db: any Database) async throws {
        for table in ["task_tags", "task_milestones", "task_problems", "task_units"] {
            try await db.schema(table).delete()
        }
    }
}
