import Fluent
import SQLKit
import Vapor
import RectifyCore

/// The list of inspections with their task counts.
enum InspectionController {
    static func list(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        let page = try await InspectionQueries.listPage(for: user, on: req.db)
        if req.wantsJSON {
            return try await page.rows.map(InspectionSummary.init).encodeResponse(for: req)
        }
        let access = try await req.access()
        return InspectionListView(page: page, context: PageContext(req, section: .inspections),
                                  canEdit: access.isAdmin || access.roles.contains(.office)).response()
    }
}

/// The JSON shape of one inspection in the list (a wire type, not the table).
struct InspectionSummary: Content {
    let id: Int
    let title: String
    let level: InspectionLevel
    let round: Int?
    let kind: InspectionKind
    let team: String
    let targetRegionCode: Int
    let targetRegionName: String
    let stationedFrom: LocalDate?
    let stationedUntil: LocalDate?
    let feedbackDate: LocalDate?
    let tasksTotal: Int
    let tasksByStatus: [String: Int]

    init(_ row: InspectionListPage.Row) {
        id = row.id
        title = row.title
        level = row.level
        round = row.round
        kind = row.kind
        team = row.team
        targetRegionCode = row.regionCode
        targetRegionName = row.regionName
        stationedFrom = row.stationedFrom
        stationedUntil = row.stationedUntil
        feedbackDate = row.feedbackDate
        tasksTotal = row.tasksTotal
        tasksByStatus = Dictionary(uniqueKeysWithValues: row.countsByStatus.map { ($0.key?.rawValue ?? "unassessed", $0.value) })
    }
}

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

    static func listPage(for user: User, on db: any Database) async throws -> InspectionListPage {
        let inspections = try await visibleInspections(for: user, on: db)
        let counts = try await taskCounts(inspectionIDs: inspections.compactMap(\.id), on: db)
        return InspectionListPage(rows: inspections.map { i in
            let c = counts[i.id!] ?? [:]
            return .init(id: i.id!, title: i.title, level: i.inspectionLevel, round: i.round, kind: i.inspectionKind,
                         team: i.team, regionCode: i.$targetRegion.id, regionName: i.targetRegion.name,
                         stationedFrom: i.stationedFrom.flatMap(LocalDate.init(iso:)),
                         stationedUntil: i.stationedUntil.flatMap(LocalDate.init(iso:)),
                         feedbackDate: i.feedbackDate.flatMap(LocalDate.init(iso:)),
                         tasksTotal: c.values.reduce(0, +), countsByStatus: c)
        })
    }
}
