import Fluent
import SQLKit

/// A task finds its petition cases by a partial index. Most cases are tied to no task, so
/// over the whole column the index looked useless to SQLite's planner (thousands of rows
/// per value, the NULLs) and the task page read every case of the region instead: 7,000
/// rows a page at 100,000 tasks. Only the cases with a task are indexed now, and a
/// task's few are what the planner expects. SQLite and PostgreSQL both speak this SQL.
struct M024_PartialPetitionTaskIndex: AsyncMigration {
    var name: String { "024_PartialPetitionTaskIndex" }

    func prepare(on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        try await dropIndex(on: db, "petition_cases_task")
        try await sql.raw("CREATE INDEX petition_cases_task ON petition_cases (task_id) WHERE task_id IS NOT NULL").run()
    }

    func revert(on db: any Database) async throws {
        try await dropIndex(on: db, "petition_cases_task")
        try await createIndex(on: db, "petition_cases_task", table: "petition_cases", columns: ["task_id"])
    }
}
