import Fluent
import Vapor
import RectifyCore

enum RoundAPI {
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
        let level: String
        let unitID: Int
        let replyBy: String
        let replied: Bool
        let closed: Bool
    }

    static func out(_ o: SupervisionOrder) -> OrderOut {
        OrderOut(id: o.id!, number: OversightService.number(o), level: o.level, unitID: o.$unit.id, replyBy: o.replyBy,
                 replied: o.repliedAt != nil, closed: o.closedAt != nil)
    }

    static func issue(req: Request) async throws -> Response {
        let body = try req.decodeBody(OversightService.NewOrder.self)
        let o = try await OversightService(lifecycle: req.lifecycle()).issueOrder(body)
        return try await out(o).encodeResponse(status: .created, for: req)
    }

    static func reply(req: Request) async throws -> OrderOut {
        let body = try req.decodeBody(OversightService.Reply.self)
        return out(try await OversightService(lifecycle: req.lifecycle()).replyOrder(try req.intParameter("id"), body))
    }

    static func close(req: Request) async throws -> OrderOut {
        out(try await OversightService(lifecycle: req.lifecycle()).closeOrder(try req.intParameter("id")))
    }

    struct Suggestion: Content {
        let taskID: Int
        let number: Int
        let title: String
        let redSince: String
        let units: [String]
    }

    /// Tasks red for longer than the office's threshold with no open order on them.
    static func suggestions(req: Request) async throws -> [Suggestion] {
        let access = try await req.access()
        guard access.isAdmin || access.roles.contains(.office) else { throw AppError.forbidden }
        let today = req.application.clock.today
        let settings = try await OfficeSettings.effective(for: access.regionCode, on: req.db)
        let cutoff = today.adding(days: -settings.redDaysBeforeOrder).iso
        var filter = LedgerQuery.Filter()
        filter.light = .red
        filter.per = 200
        let red = try await LedgerQuery(access: access).list(filter, on: req.db).items
        var result: [Suggestion] = []
        for row in red {
            guard let task = try await TaskRecord.find(row.id, on: req.db), let since = task.lightSince, since <= cutoff else { continue }
            let open = try await SupervisionOrderTask.query(on: req.db).filter(\.$task.$id == row.id)
                .join(SupervisionOrder.self, on: \SupervisionOrderTask.$order.$id == \SupervisionOrder.$id)
                .filter(SupervisionOrder.self, \.$closedAt == nil).count()
            if open > 0 { continue }
            let units = try await TaskUnit.query(on: req.db).filter(\.$task.$id == row.id)
                .filter(\.$role == UnitRole.responsible.rawValue).with(\.$unit).all().map(\.unit.name)
            result.append(Suggestion(taskID: row.id, number: row.number, title: row.title, redSince: since, units: units))
        }
        return result
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
        let assignedOn: String
        let unitsNotClaimed: [String]
    }

    /// Tasks still unclaimed a set number of days after assignment (issue 3 §2).
    static func unclaimed(req: Request) async throws -> [Unclaimed] {
        let access = try await req.access()
        guard access.isAdmin || access.roles.contains(.office) else { throw AppError.forbidden }
        let settings = try await OfficeSettings.effective(for: access.regionCode, on: req.db)
        let cutoff = req.application.clock.today.adding(days: -settings.unclaimedDays).iso
        var filter = LedgerQuery.Filter()
        filter.state = .assigned
        filter.per = 200
        var result: [Unclaimed] = []
        for row in try await LedgerQuery(access: access).list(filter, on: req.db).items {
            guard let task = try await TaskRecord.find(row.id, on: req.db), let on = task.assignedOn, on <= cutoff else { continue }
            let claimed = Set(try await TaskClaim.query(on: req.db).filter(\.$task.$id == row.id).all().map(\.$unit.id))
            let units = try await TaskUnit.query(on: req.db).filter(\.$task.$id == row.id)
                .filter(\.$role != UnitRole.acceptance.rawValue).with(\.$unit).all()
                .filter { !claimed.contains($0.$unit.id) }.map(\.unit.name)
            if !units.isEmpty {
                result.append(Unclaimed(taskID: row.id, number: row.number, title: row.title, assignedOn: on,
                                        unitsNotClaimed: Array(Set(units)).sorted()))
            }
        }
        return result
    }
}
