import Fluent
import SQLKit

/// Issue 14 §2: an inspection's acceptance chain (县级初验 → 市级验收 → 省级验收销号, as JSON;
/// empty: one step), how many steps a task has passed, and which step an acceptance record is of.
struct M022_CreateAcceptanceChains: AsyncMigration {
    var name: String { "022_CreateAcceptanceChains" }

    func prepare(on db: any Database) async throws {
        try await db.schema("inspections")
            .field(.definition(name: .key("acceptance_chain"), dataType: .string, constraints: [.required, .sql(.default("[]"))]))
            .update()
        try await db.schema("tasks")
            .field(.definition(name: .key("acceptance_step"), dataType: .int, constraints: [.required, .sql(.default(0))]))
            .update()
        try await db.schema("task_entries").field("step", .string).update()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("task_entries").deleteField("step").update()
        try await db.schema("tasks").deleteField("acceptance_step").update()
        try await db.schema("inspections").deleteField("acceptance_chain").update()
    }
}
