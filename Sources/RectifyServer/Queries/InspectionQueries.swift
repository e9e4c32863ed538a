import Fluent
import SQLKit
import Vapor
import RectifyCore

/// Queries behind the list, split out so tests call them directly.
enum InspectionQueries {
    /// Who sees which inspections, until the lifecycle's role scopes (issue 3) refine
    /// it: an administrator sees all; everyone else sees the inspections of the
    /// province their unit belongs to.
    static func visibleInspections(for user: User, on db: any Database) async throws -> [Inspection] {
        let query = Inspection.query(on: db).with(\.$targetRegion).sort(\.$feedbackDate, .descending).sort(\.$id)
        if user.roles.contains(.admin) { return try await query.all() }
        guard let unitID = user.$unit.id, let unit = try await Unit.find(unitID, on: db) else { return [] }
        let province = unit.$region.id / 10_000 * 10_000
        return try await query
            .filter(\.$targetRegion.$id >= province)
            .filter(\.$targetRegion.$id < province + 10_000)
            .all()
    }

    struct StatusCount: Decodable {
        let inspection_id: Int
        let progress_status: String?
        let n: Int
    }

    /// Top-level tasks per inspection and public status, counted by the database. Drafts
    /// are not yet tasks of the plan: no count sentence (portal, report, lists) counts them.
    static func taskCounts(inspectionIDs: [Int], on db: any Database) async throws -> [Int: [PublicStatus?: Int]] {
        guard let sql = db as? any SQLDatabase, !inspectionIDs.isEmpty else { return [:] }
        let rows = try await sql.select()
            .column("inspection_id")
            .column("progress_status")
            .column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from("tasks")
            .where("inspection_id", .in, inspectionIDs)
            .where("parent_task_id", .is, SQLLiteral.null)
            .where("state", .notEqual, TaskState.draft.rawValue)
            .groupBy("inspection_id")
            .groupBy("progress_status")
            .all(decoding: StatusCount.self)
        var result: [Int: [PublicStatus?: Int]] = [:]
        for row in rows {
            result[row.inspection_id, default: [:]][row.progress_status.flatMap(PublicStatus.init(rawValue:)), default: 0] += row.n
        }
        return result
    }

    /// `only`: just that inspection, if the user may see it (its tasks alone are counted).
    static func listPage(for user: User, only: Int? = nil, on db: any Database) async throws -> InspectionListPage {
        let inspections = try await visibleInspections(for: user, on: db).filter { only == nil || $0.id == only }
        let counts = try await taskCounts(inspectionIDs: inspections.compactMap(\.id), on: db)
        return InspectionListPage(rows: inspections.map { i in
            let c = counts[i.id!] ?? [:]
            return .init(id: i.id!, title: i.title, level: i.level, round: i.round, kind: i.kind,
                         team: i.team, regionCode: i.$targetRegion.id, regionName: i.targetRegion.name,
                         stationedFrom: i.stationedFrom.flatMap(LocalDate.init(iso:)),
                         stationedUntil: i.stationedUntil.flatMap(LocalDate.init(iso:)),
                         feedbackDate: i.feedbackDate.flatMap(LocalDate.init(iso:)),
                         tasksTotal: c.values.reduce(0, +), countsByStatus: c)
        })
    }
}
