import Fluent
import SQLKit

/// Issue 14: a task split to lower levels keeps what its roll-up needs on its own row (so
/// the ledger filters and counts by column, not by walking the tree), and a problem can
/// name an earlier inspection's problem it repeats.
///
/// - `code`: the number people read, 22 for a task of the plan, 22-3 for its third
///   sub-task, 22-3-1 below that;
/// - `depth`: 0 for a task of the plan, 1 for its sub-tasks, …;
/// - `parent_region_code`: the region of the task it was split from, so an office's ledger
///   lists the tasks whose parent lies outside its region (its roots) without a join;
/// - `subtasks_total`, `subtasks_open`, `rolled_percent`: the roll-up (`Rollup`).
struct M021_CreateSubtasksAndProblemLinks: AsyncMigration {
    var name: String { "021_CreateSubtasksAndProblemLinks" }

    func prepare(on db: any Database) async throws {
        // One column per ALTER TABLE: SQLite adds no more at a time.
        try await db.schema("tasks").field("code", .string).update()
        try await db.schema("tasks")
            .field(.definition(name: .key("depth"), dataType: .int, constraints: [.required, .sql(.default(0))])).update()
        try await db.schema("tasks").field("parent_region_code", .int).update()
        try await db.schema("tasks")
            .field(.definition(name: .key("subtasks_total"), dataType: .int, constraints: [.required, .sql(.default(0))])).update()
        try await db.schema("tasks")
            .field(.definition(name: .key("subtasks_open"), dataType: .int, constraints: [.required, .sql(.default(0))])).update()
        try await db.schema("tasks").field("rolled_percent", .int).update()

        try await db.schema("problem_links")
            .field("id", .int, .identifier(auto: true))
            .field("problem_id", .int, .required, .references("problems", "id"))
            .field("earlier_problem_id", .int, .required, .references("problems", "id"))
            .field("kind", .string, .required)
            .field("note", .string, .required)
            .field("created_by", .int, .references("users", "id"))
            .field("created_at", .datetime)
            .unique(on: "problem_id", "earlier_problem_id")
            .create()
        try await createIndex(on: db, "problem_links_earlier", table: "problem_links", columns: ["earlier_problem_id"])
    }

    func revert(on db: any Database) async throws {
        try await dropIndex(on: db, "problem_links_earlier")
        try await db.schema("problem_links").delete()
        for column in ["rolled_percent", "subtasks_open", "subtasks_total", "parent_region_code", "depth", "code"] {
            try await db.schema("tasks").deleteField(FieldKey(stringLiteral: column)).update()
        }
    }
}
