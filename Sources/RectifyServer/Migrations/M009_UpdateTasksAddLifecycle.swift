import Fluent
import SQLKit
import RectifyCore

/// What the lifecycle keeps on the task itself: the basically-complete verdict,
/// rebounds, the original deadline, a version for conflict detection, who changed it
/// last, the materialised light and public status for the ledger's indexes, the
/// region the task belongs to (where its responsible units are, for subtree filters
/// by code range)
/// and when it was assigned (for unclaimed flags).
struct M009_UpdateTasksAddLifecycle: AsyncMigration {
    var name: String { "009_UpdateTasksAddLifecycle" }

    func prepare(on db: any Database) async throws {
        // One column per ALTER TABLE: SQLite adds no more at a time.
        let columns: [(String, DatabaseSchema.DataType, [DatabaseSchema.FieldConstraint])] = [
            ("basically_completed", .bool, [.required, .sql(.default(false))]),
            ("rebound_count", .int, [.required, .sql(.default(0))]),
            ("original_deadline", .string, []),
            ("version", .int, [.required, .sql(.default(1))]),
            ("updated_by", .int, [.references("users", .id)]),
            ("light", .string, []),
            ("region_code", .int, []),
            ("assigned_on", .string, []),
        ]
        for (name, type, constraints) in columns {
            try await db.schema("tasks").field(.definition(name: .key(.init(stringLiteral: name)), dataType: type,
                                                           constraints: constraints)).update()
        }
        guard let sql = db as? any SQLDatabase else { return }
        try await sql.raw("UPDATE tasks SET original_deadline = deadline").run()
        // A task belongs where its responsible units are; else to its inspection's region.
        struct Row: Decodable { let task_id: Int; let region_code: Int }
        let rows = try await sql.raw("""
            SELECT task_units.task_id, units.region_code FROM task_units JOIN units ON units.id = task_units.unit_id \
            WHERE task_units.role = 'responsible'
            """).all(decoding: Row.self)
        for (taskID, regions) in Dictionary(grouping: rows, by: \.task_id) {
            if let code = RegionCatalog.commonAncestor(regions.map(\.region_code)) {
                try await sql.raw("UPDATE tasks SET region_code = \(bind: code) WHERE id = \(bind: taskID)").run()
            }
        }
        try await sql.raw("""
            UPDATE tasks SET region_code = (SELECT target_region_code FROM inspections WHERE inspections.id = tasks.inspection_id) \
            WHERE region_code IS NULL
            """).run()
        // The ledger's indexes (measured with bench/ledger-plans.sh on 1M tasks). Equality
        // columns first, then the region range, then the page order, so a page of 50
        // comes off the index in order instead of sorting every task in the region.
        try await createIndex(on: db, "tasks_region_order", table: "tasks", columns: ["region_code", "inspection_id", "number"])
        for column in ["state", "light", "progress_status"] {
            try await createIndex(on: db, "tasks_\(column)_region_order", table: "tasks",
                                  columns: [column, "region_code", "inspection_id", "number"])
            // Dashboard counts per region: covering, so they read the index alone.
            try await createIndex(on: db, "tasks_region_\(column)", table: "tasks", columns: ["region_code", column])
        }
        try await createIndex(on: db, "tasks_kind", table: "tasks", columns: ["kind"])
    }

    func revert(on db: any Database) async throws {
        for index in ["tasks_region_order", "tasks_state_region_order", "tasks_light_region_order",
                      "tasks_progress_status_region_order", "tasks_region_state", "tasks_region_light",
                      "tasks_region_progress_status", "tasks_kind"] {
            try await dropIndex(on: db, index)
        }
        for name in ["basically_completed", "rebound_count", "original_deadline", "version", "updated_by", "light",
                     "region_code", "assigned_on"] {
            try await db.schema("tasks").deleteField(.init(stringLiteral: name)).update()
        }
    }
}
