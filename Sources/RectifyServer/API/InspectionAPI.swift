import Fluent
import Vapor
import RectifyCore

/// GET /api/v1/inspections and /inspections/{id}: the list the inspections page shows,
/// from the same query.
enum InspectionAPI {
    static func list(req: Request) async throws -> Paged<InspectionSummary> {
        let user = try req.auth.require(User.self)
        let p = try PageRequest(req)
        let rows = try await InspectionQueries.listPage(for: user, on: req.db).rows
        return Paged(items: rows.dropFirst(p.offset).prefix(p.per).map(InspectionSummary.init), page: p.page, per: p.per,
                     total: rows.count)
    }

    static func show(req: Request) async throws -> InspectionSummary {
        let user = try req.auth.require(User.self)
        let id = try req.intParameter("id")
        guard let row = try await InspectionQueries.listPage(for: user, only: id, on: req.db).rows.first else {
            throw AppError.notFound
        }
        return InspectionSummary(row)
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
        tasksByStatus = Dictionary(uniqueKeysWithValues: row.countsByStatus.map { ($0.key?.rawValue ?? LedgerQuery.Counts.noValue("progress_status"), $0.value) })
    }
}

