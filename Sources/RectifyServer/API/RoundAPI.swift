import Fluent
import Vapor
import RectifyCore

enum RoundAPI {
    struct RoundOut: Content {
        let id: Int
        let name: String
        let regionCode: Int
        let dueDate: String
        let openedAt: Date
        let closed: Bool
    }

    /// The rounds the rounds page lists, a page at a time; figures are at /rounds/{id}.
    static func list(req: Request) async throws -> Paged<RoundOut> {
        try await OversightQueries.rounds(try await req.access(), on: req.db).paged(req) {
            RoundOut(id: $0.id ?? 0, name: $0.name, regionCode: $0.$region.id, dueDate: $0.dueDate, openedAt: $0.openedAt,
                     closed: $0.closedAt != nil)
        }
    }

    static func open(req: Request) async throws -> Response {
        let body = try req.decodeBody(RoundService.NewRound.self)
        let round = try await RoundService.open(body, lifecycle: req.lifecycle())
        return try await RoundService.figures(round, on: req.db).encodeResponse(status: .created, for: req)
    }

    static func show(req: Request) async throws -> RoundFigures {
        guard let round = try await DispatchRound.find(try req.intParameter("id"), on: req.db) else { throw AppError.notFound }
        try RoundService.authorize(round, try await req.access(), write: false)
        return try await RoundService.figures(round, on: req.db)
    }

    static func close(req: Request) async throws -> RoundFigures {
        try await RoundService.close(try req.intParameter("id"), lifecycle: req.lifecycle())
    }
}

enum OrderAPI {
    struct OrderOut: Content {
        let id: Int
        let number: String
        let level: OversightService.Level
        let unitID: Int
        let unitName: String
        let reason: String
        let replyBy: String
        let replied: Bool
        let closed: Bool
    }

    static func out(_ o: SupervisionOrder) -> OrderOut {
        OrderOut(id: o.id ?? 0, number: OversightService.number(o), level: o.level,
                 unitID: o.$unit.id, unitName: o.$unit.value?.name ?? "", reason: o.reason, replyBy: o.replyBy,
                 replied: o.repliedAt != nil, closed: o.closedAt != nil)
    }

    static func loaded(_ o: SupervisionOrder, _ req: Request) async throws -> OrderOut {
        if o.$unit.value == nil { try await o.$unit.load(on: req.db) }
        return out(o)
    }

    /// The orders the orders page lists, a page at a time.
    static func list(req: Request) async throws -> Paged<OrderOut> {
        try await OversightQueries.orders(try await req.access(), on: req.db).paged(req, out)
    }

    static func issue(req: Request) async throws -> Response {
        let body = try req.decodeBody(OversightService.NewOrder.self)
        let o = try await OversightService(lifecycle: req.lifecycle()).issueOrder(body)
        return try await loaded(o, req).encodeResponse(status: .created, for: req)
    }

    static func reply(req: Request) async throws -> OrderOut {
        let body = try req.decodeBody(OversightService.Reply.self)
        return try await loaded(try await OversightService(lifecycle: req.lifecycle()).replyOrder(try req.intParameter("id"), body), req)
    }

    static func close(req: Request) async throws -> OrderOut {
        try await loaded(try await OversightService(lifecycle: req.lifecycle()).closeOrder(try req.intParameter("id")), req)
    }

    struct Suggestion: Content {
        let taskID: Int
        let number: Int
        let title: String
        let redSince: String?
        let units: [String]
    }

    /// Tasks red for longer than the office's threshold with no open order on them, a page at a time.
    static func suggestions(req: Request) async throws -> LedgerQuery.Page<Suggestion> {
        let access = try await req.access()
        guard access.isAdmin || access.roles.contains(.office) else { throw AppError.forbidden }
        let settings = try await OfficeSettings.effective(for: access.regionCode, on: req.db)
        var filter = try LedgerQuery.Filter.decode(from: req)
        filter.redSince = req.application.clock.today.adding(days: -settings.redDaysBeforeOrder)
        filter.noOpenOrder = true
        let page = try await LedgerQuery(access: access).list(filter, on: req.db)
        let links = try await DashboardAPI.units(of: page.items.map(\.id), on: req.db)
            .filter { $0.role == UnitRole.responsible.rawValue }
        let items = page.items.map { row in
            Suggestion(taskID: row.id, number: row.number, title: row.title, redSince: row.lightSince,
                       units: links.filter { $0.$task.id == row.id }.map(\.unit.name))
        }
        return .init(items: items, page: page.page, per: page.per, total: page.total)
    }
}

enum DashboardAPI {
    static func counts(req: Request) async throws -> LedgerQuery.Counts {
        let inspection = try? req.query.get(Int.self, at: "inspection")
        return try await LedgerQuery(access: try await req.access()).counts(inspection: inspection, on: req.db)
    }

    struct Unclaimed: Content {
        let taskID: Int
        let number: Int
        let title: String
        let assignedOn: String?
        let unitsNotClaimed: [String]
    }

    /// Tasks still unclaimed a set number of days after assignment (issue 3 §2), a page at a time.
    static func unclaimed(req: Request) async throws -> LedgerQuery.Page<Unclaimed> {
        let access = try await req.access()
        guard access.isAdmin || access.roles.contains(.office) else { throw AppError.forbidden }
        let settings = try await OfficeSettings.effective(for: access.regionCode, on: req.db)
        var filter = try LedgerQuery.Filter.decode(from: req)
        filter.unclaimedSince = req.application.clock.today.adding(days: -settings.unclaimedDays)
        let page = try await LedgerQuery(access: access).list(filter, on: req.db)
        let ids = page.items.map(\.id)
        let links = try await units(of: ids, on: req.db).filter { $0.role != UnitRole.acceptance.rawValue }
        let claims = ids.isEmpty ? [] : try await TaskClaim.query(on: req.db).filter(\.$task.$id ~~ ids).all()
        let items = page.items.map { row in
            let claimed = Set(claims.filter { $0.$task.id == row.id }.map(\.$unit.id))
            let waiting = links.filter { $0.$task.id == row.id && !claimed.contains($0.$unit.id) }.map(\.unit.name)
            return Unclaimed(taskID: row.id, number: row.number, title: row.title, assignedOn: row.assignedOn,
                             unitsNotClaimed: Array(Set(waiting)).sorted())
        }
        return .init(items: items, page: page.page, per: page.per, total: page.total)
    }

    /// The unit assignments of a page of tasks, in one query.
    static func units(of taskIDs: [Int], on db: any Database) async throws -> [TaskUnit] {
        taskIDs.isEmpty ? [] : try await TaskUnit.query(on: db).filter(\.$task.$id ~~ taskIDs).with(\.$unit).all()
    }

    struct SettingsBody: Content {
        var yellowLagPoints: Int
        var unclaimedDays: Int
        var redDaysBeforeOrder: Int
    }

    /// The schedule thresholds in force for the user's office.
    static func settings(req: Request) async throws -> SettingsBody {
        let access = try await req.access()
        let s = try await OfficeSettings.effective(for: access.regionCode, on: req.db)
        return SettingsBody(yellowLagPoints: s.yellowLagPoints, unclaimedDays: s.unclaimedDays, redDaysBeforeOrder: s.redDaysBeforeOrder)
    }

    /// An office sets its own thresholds (issue 3 §4: "a threshold each office can set").
    static func updateSettings(req: Request) async throws -> SettingsBody {
        let access = try await req.access()
        guard access.roles.contains(.office), let region = access.regionCode else {
            throw AppError(status: .forbidden, code: "settings.forbidden", message: "只有整改办可以设置本地区的预警阈值")
        }
        let b = try req.decodeBody(SettingsBody.self)
        var v: [Violation] = []
        if !(1...100).contains(b.yellowLagPoints) { v.append(.init("settings.lagInvalid", field: "yellowLagPoints", "黄灯阈值应为 1 至 100 个百分点")) }
        if !(1...365).contains(b.unclaimedDays) { v.append(.init("settings.unclaimedInvalid", field: "unclaimedDays", "未认领提醒天数应为 1 至 365")) }
        if !(1...365).contains(b.redDaysBeforeOrder) { v.append(.init("settings.redInvalid", field: "redDaysBeforeOrder", "建议督办的红灯天数应为 1 至 365")) }
        try v.throwIfAny()
        try await req.db.writeTransaction { tx in
            let row = try await OfficeSettings.find(region, on: tx) ?? OfficeSettings()
            let before = row.id == nil ? nil : SettingsBody(yellowLagPoints: row.yellowLagPoints, unclaimedDays: row.unclaimedDays,
                                                            redDaysBeforeOrder: row.redDaysBeforeOrder)
            row.id = region
            row.yellowLagPoints = b.yellowLagPoints
            row.unclaimedDays = b.unclaimedDays
            row.redDaysBeforeOrder = b.redDaysBeforeOrder
            try await row.save(on: tx)
            try await Audit.record(on: tx, actor: access.auditActor, action: .settingsUpdate, recordType: "office_settings",
                                   recordID: region, taskID: nil, before: before, after: b, now: req.application.clock.now())
        }
        return b
    }
}
