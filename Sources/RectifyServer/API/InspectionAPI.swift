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

    struct Chain: Content {
        var steps: [AcceptanceStep]
    }

    /// GET /api/v1/inspections/{id}/acceptance-chain.
    static func chain(req: Request) async throws -> Chain {
        let access = try await req.access()
        guard let inspection = try await Inspection.find(try req.intParameter("id"), on: req.db),
              access.isAdmin || access.oversees([inspection.$targetRegion.id], as: .office)
                || access.oversees([inspection.$targetRegion.id], as: .leader) else { throw AppError.notFound }
        return Chain(steps: AcceptanceChain.decode(inspection.acceptanceChain))
    }

    /// PUT /api/v1/inspections/{id}/acceptance-chain: the office over the inspection's region sets
    /// its chain (issue 14 §2), not while a task is part-way along the old one.
    static func setChain(req: Request) async throws -> Chain {
        let body = try req.decodeBody(Chain.self)
        return Chain(steps: try await setChain(try req.intParameter("id"), body.steps, access: try await req.access(),
                                               clock: req.application.clock, on: req.db))
    }

    /// The one way a chain is set, from the API and the inspection's page.
    static func setChain(_ id: Int, _ given: [AcceptanceStep], access: Access, clock: AppClock,
                         on db: any Database) async throws -> [AcceptanceStep] {
        let steps = given.map { AcceptanceStep(level: $0.level, name: $0.name.trimmingCharacters(in: .whitespacesAndNewlines)) }
        try await db.writeTransaction { tx in
            guard let inspection = try await Inspection.find(id, on: tx) else { throw AppError.notFound }
            let region = [inspection.$targetRegion.id]
            guard access.isAdmin || access.oversees(region, as: .office) else {
                throw access.oversees(region, as: .leader)
                    ? AppError(status: .forbidden, code: "chain.forbidden", message: "只有该督察所属地区的整改办可以设置验收流程")
                    : AppError.notFound
            }
            try AcceptanceChain.violations(steps).throwIfAny()
            let midway = try await TaskRecord.query(on: tx).filter(\.$inspection.$id == id).filter(\.$acceptanceStep > 0)
                .filter(\.$state == .completionSubmitted).count()
            if midway > 0 {
                throw AppError(status: .conflict, code: "chain.inUse",
                               message: "有 \(midway) 项任务正在逐级验收,验收完成或退回后才能修改验收流程")
            }
            let before = AcceptanceChain.decode(inspection.acceptanceChain)
            inspection.acceptanceChain = AcceptanceChain.encode(steps)
            try await inspection.save(on: tx)
            try await Audit.record(on: tx, actor: access.auditActor, action: .inspectionAcceptanceChain, recordType: "inspection",
                                   recordID: id, taskID: nil, before: before, after: steps, now: clock.now())
        }
        return steps
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

