import Fluent

/// 延期申请 and 督办单, and the entries recorded against a task: 现场核查, 验收意见,
/// 公示 and its 异议, 回头看, 领导批示 (one table, told apart by `kind`).
struct M013_CreateOversight: AsyncMigration {
    var name: String { "013_CreateOversight" }

    func prepare(on db: any Database) async throws {
        try await db.schema("extension_requests")
            .field(.id, .int, .identifier(auto: true))
            .field("task_id", .int, .required, .references("tasks", .id, onDelete: .cascade))
            .field("unit_id", .int, .required, .references("units", .id))
            .field("requested_by", .int, .required, .references("users", .id))
            .field("previous_deadline", .string)
            .field("requested_deadline", .string, .required)
            .field("reason", .string, .required)
            .field("status", .string, .required)
            .field("decided_by", .int, .references("users", .id))
            .field("decided_at", .datetime)
            .field("decision_note", .string)
            .field("requested_at", .datetime, .required)
            .create()
        try await createIndex(on: db, "extension_requests_task", table: "extension_requests", columns: ["task_id", "status"])
        try await db.schema("supervision_orders")
            .field(.id, .int, .identifier(auto: true))
            .field("region_code", .int, .required, .references("regions", "code"))
            .field("year", .int, .required)
            .field("seq", .int, .required)
            .field("level", .string, .required)
            .field("unit_id", .int, .required, .references("units", .id))
            .field("reason", .string, .required)
            .field("reply_by", .string, .required)
            .field("issued_by", .int, .required, .references("users", .id))
            .field("issued_at", .datetime, .required)
            .field("reply_text", .string)
            .field("replied_by", .int, .references("users", .id))
            .field("replied_at", .datetime)
            .field("closed_by", .int, .references("users", .id))
            .field("closed_at", .datetime)
            .unique(on: "region_code", "year", "seq")
            .create()
        try await createIndex(on: db, "supervision_orders_unit", table: "supervision_orders", columns: ["unit_id", "closed_at"])
        try await db.schema("supervision_order_tasks")
            .field(.id, .int, .identifier(auto: true))
            .field("order_id", .int, .required, .references("supervision_orders", .id, onDelete: .cascade))
            .field("task_id", .int, .required, .references("tasks", .id, onDelete: .cascade))
            .unique(on: "order_id", "task_id")
            .create()
        try await createIndex(on: db, "supervision_order_tasks_task", table: "supervision_order_tasks", columns: ["task_id"])
        try await db.schema("task_entries")
            .field(.id, .int, .identifier(auto: true))
            .field("task_id", .int, .required, .references("tasks", .id, onDelete: .cascade))
            .field("kind", .string, .required)
            .field("on_date", .string)
            .field("until_date", .string)
            .field("people", .string, .required)
            .field("text", .string, .required)
            .field("verdict", .string)
            .field("parent_id", .int, .references("task_entries", .id))
            .field("answer", .string)
            .field("answered_by", .int, .references("users", .id))
            .field("answered_at", .datetime)
            .field("user_id", .int, .required, .references("users", .id))
            .field("created_at", .datetime, .required)
            .create()
        try await createIndex(on: db, "task_entries_task", table: "task_entries", columns: ["task_id", "kind"])
    }

    func revert(on db: any Database) async throws {
        for table in ["task_entries", "supervision_order_tasks", "supervision_orders", "extension_requests"] {
            try await db.schema(table).delete()
        }
    }
}
