import Fluent
import Foundation
import SQLKit
import Vapor
import RectifyCore

/// /api/v1/petition-batches and /api/v1/petition-cases (issue 13 §1, §3, §7).
enum PetitionAPI {
    struct BatchOut: Content {
        let id: Int
        let inspectionID: Int
        let number: Int
        let handedOverOn: String
        let replyBy: String
        let team: String
        /// Cases of the batch this user may read, by status.
        let cases: Int
        let byStatus: [String: Int]
    }

    struct CaseOut: Content {
        let id: Int
        let batchID: Int
        let caseNumber: String
        let source: PetitionSource
        let place: String
        let regionCode: Int
        let complaint: String
        let pollutionKinds: [PollutionKind]
        let keyCase: Bool
        let dueDate: String
        let status: PetitionStatus
        let finding: PetitionFinding?
        let findings: String
        let measures: String
        let fineYuan: Int
        let finedCompanies: Int
        let detained: Int
        let summoned: Int
        let heldToAccount: Int
        let orderedRectification: Bool
        let stageConcludedOn: String?
        let concludedOn: String?
        let followUp: FollowUp?
        let taskID: Int?
        let unitIDs: [Int]
        /// Earlier cases about the same place (重复举报), oldest first.
        let repeatOf: [Int]
        let version: Int
        /// Only for the office and the case's units; absent for everyone else.
        let complainant: PetitionService.Complainant?
    }

    static func out(_ c: PetitionCase, units: [Int], repeats: [Int], access: Access) -> CaseOut {
        let rules = PetitionAccess(access: access)
        let complainant = rules.canSeeComplainant(region: c.regionCode, units: units)
            ? PetitionService.Complainant(name: c.complainantName, phone: c.complainantPhone, idNumber: c.complainantIDNumber,
                                          address: c.complainantAddress)
            : nil
        return CaseOut(id: c.id ?? 0, batchID: c.$batch.id, caseNumber: c.caseNumber, source: c.source, place: c.place,
                       regionCode: c.regionCode, complaint: c.complaint, pollutionKinds: c.pollutionKinds, keyCase: c.keyCase,
                       dueDate: c.dueDate, status: c.status, finding: c.finding, findings: c.findings, measures: c.measures,
                       fineYuan: c.fineYuan, finedCompanies: c.finedCompanies, detained: c.detained, summoned: c.summoned,
                       heldToAccount: c.heldToAccount, orderedRectification: c.orderedRectification, stageConcludedOn: c.stageConcludedOn, concludedOn: c.concludedOn,
                       followUp: c.followUp, taskID: c.$task.id, unitIDs: units, repeatOf: repeats, version: c.version,
                       complainant: complainant)
    }

    /// The cases of a page with their units and repeats, in two more statements.
    static func outs(_ cases: [PetitionCase], access: Access, on db: any Database) async throws -> [CaseOut] {
        let ids = cases.compactMap(\.id)
        guard !ids.isEmpty else { return [] }
        let links = try await PetitionCaseUnit.query(on: db).filter(\.$petitionCase.$id ~~ ids).all()
        let unitsByCase = Dictionary(grouping: links, by: \.$petitionCase.id).mapValues { $0.map(\.$unit.id).sorted() }
        // Earlier cases about the same places, among those this user may read.
        let keys = Array(Set(cases.map(\.placeKey).filter { !$0.isEmpty })).sorted()
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
        struct Same: Decodable { let id: Int; let place_key: String }
        let same = keys.isEmpty ? [] : try await sql.raw("""
            SELECT c.id, c.place_key FROM petition_cases c WHERE c.place_key IN (\(binds: keys)) \
            AND \(PetitionAccess(access: access).scope) ORDER BY c.id LIMIT 5000
            """).all(decoding: Same.self)
        let byKey = Dictionary(grouping: same, by: \.place_key).mapValues { $0.map(\.id) }
        return cases.map { c in
            let id = c.id ?? 0
            return out(c, units: unitsByCase[id] ?? [], repeats: (byKey[c.placeKey] ?? []).filter { $0 < id }, access: access)
        }
    }

    struct Filter: Content {
        var batch: Int?
        var status: PetitionStatus?
        var region: Int?
        var keyCase: Bool?
        var page: Int?
        var per: Int?
    }

    static func filter(_ req: Request) throws -> Filter {
        do { return try req.query.decode(Filter.self) } catch {
            throw AppError(status: .badRequest, code: "badFilter", message: "筛选条件无法识别:\(Request.describe(error))")
        }
    }

    /// The cases this user may read, filtered, a page at a time, in the batch's order.
    static func list(req: Request) async throws -> Paged<CaseOut> {
        let access = try await req.access()
        let f = try filter(req)
        let p = try PageRequest(req)
        if let region = f.region, !Bounds.region.contains(region) { throw AppError.badQuery("region", Bounds.region) }
        guard let sql = req.db as? any SQLDatabase else { throw Abort(.internalServerError) }
        var conditions: [SQLQueryString] = [PetitionAccess(access: access).scope]
        if let b = f.batch { conditions.append("c.batch_id = \(bind: b)") }
        if let s = f.status { conditions.append("c.status = \(bind: s.rawValue)") }
        if let r = f.region {
            let range = Access.subtree(of: r)
            conditions.append("c.region_code BETWEEN \(bind: range.lowerBound) AND \(bind: range.upperBound)")
        }
        if let k = f.keyCase { conditions.append("c.key_case = \(bind: k)") }
        let condition = conditions.joined(separator: " AND ")
        // The count (from the region index) and the page's rows in entry order: a window
        // count over the whole scope made every page sort it (170 ms at 100,000 cases).
        struct N: Decodable { let n: Int }
        let total = try await sql.raw("SELECT COUNT(*) AS n FROM petition_cases c WHERE \(condition)").first(decoding: N.self)?.n ?? 0
        // The page's ids are picked first (a deep page sorts ids, not whole rows: 488 → 50 ms at page 1000).
        let ordered = total == 0 ? [] : try await sql.raw("""
            SELECT c.* FROM petition_cases c WHERE c.id IN (SELECT c.id FROM petition_cases c WHERE \(condition) \
            ORDER BY c.id LIMIT \(literal: p.per) OFFSET \(literal: p.offset)) ORDER BY c.id
            """).all().map { try $0.decode(fluentModel: PetitionCase.self) }
        return Paged(items: try await outs(ordered, access: access, on: req.db), page: p.page, per: p.per, total: total)
    }

    static func readable(_ req: Request) async throws -> (PetitionCase, [Int], Access) {
        let access = try await req.access()
        guard let c = try await PetitionCase.find(try req.intParameter("id"), on: req.db) else { throw AppError.notFound }
        let units = try await PetitionService.units(of: c.requireID(), on: req.db)
        guard PetitionAccess(access: access).canRead(region: c.regionCode, units: units) else { throw AppError.notFound }
        return (c, units, access)
    }

    static func detail(req: Request) async throws -> CaseOut {
        let (c, _, access) = try await readable(req)
        return try await outs([c], access: access, on: req.db)[0]
    }

    static func create(req: Request) async throws -> Response {
        let body = try req.decodeBody(PetitionService.NewCase.self)
        let access = try await req.access()
        let c = try await PetitionService.createCase(body, access: access, clock: req.application.clock, on: req.db)
        return try await outs([c], access: access, on: req.db)[0].encodeResponse(status: .created, for: req)
    }

    static func progress(req: Request) async throws -> CaseOut {
        let body = try req.decodeBody(PetitionService.Progress.self)
        let access = try await req.access()
        let c = try await PetitionService.progress(try req.intParameter("id"), body, access: access, clock: req.application.clock, on: req.db)
        return try await outs([c], access: access, on: req.db)[0]
    }

    static func link(req: Request) async throws -> CaseOut {
        let body = try req.decodeBody(PetitionService.TaskLink.self)
        let access = try await req.access()
        let c = try await PetitionService.link(try req.intParameter("id"), body, access: access, clock: req.application.clock, on: req.db)
        return try await outs([c], access: access, on: req.db)[0]
    }

    // MARK: Batches

    /// Batches with at least one case this user may read, or, for the office and leaders,
    /// of an inspection of their region.
    static func batches(_ access: Access, batchID: Int? = nil, on db: any Database) async throws -> [BatchOut] {
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
        let scope = PetitionAccess(access: access).scope
        var own: SQLQueryString = "1 = 0"
        if access.isAdmin { own = "1 = 1" } else if let range = access.oversight,
            access.roles.contains(.office) || access.roles.contains(.leader) {
            own = "i.target_region_code BETWEEN \(bind: range.lowerBound) AND \(bind: range.upperBound)"
        }
        let only: SQLQueryString = batchID.map { "b.id = \(bind: $0)" } ?? "1 = 1"
        struct Row: Decodable {
            let id: Int; let inspection_id: Int; let number: Int; let handed_over_on: String; let reply_by: String; let team: String
            let status: String?; let n: Int
        }
        let rows = try await sql.raw("""
            SELECT b.id, b.inspection_id, b.number, b.handed_over_on, b.reply_by, b.team, c.status, COUNT(c.id) AS n \
            FROM petition_batches b JOIN inspections i ON i.id = b.inspection_id \
            LEFT JOIN petition_cases c ON c.batch_id = b.id AND \(scope) \
            WHERE \(only) AND (\(own) OR EXISTS (SELECT 1 FROM petition_cases c WHERE c.batch_id = b.id AND \(scope))) \
            GROUP BY b.id, b.inspection_id, b.number, b.handed_over_on, b.reply_by, b.team, c.status \
            ORDER BY b.inspection_id, b.number
            """).all(decoding: Row.self)
        var out: [BatchOut] = []
        for (id, group) in Dictionary(grouping: rows, by: \.id).sorted(by: { $0.key < $1.key }) {
            guard let first = group.first else { continue }
            var byStatus: [String: Int] = [:]
            for r in group { if let s = r.status { byStatus[s, default: 0] += r.n } }
            out.append(BatchOut(id: id, inspectionID: first.inspection_id, number: first.number, handedOverOn: first.handed_over_on,
                                replyBy: first.reply_by, team: first.team, cases: byStatus.values.reduce(0, +), byStatus: byStatus))
        }
        return out.sorted { ($0.inspectionID, $0.number) < ($1.inspectionID, $1.number) }
    }

    /// `batches` for this scope, computed once per change of the data (a pass over every case).
    static func cachedBatches(_ req: Request, _ access: Access) async throws -> [BatchOut] {
        let db = req.db
        return try await req.cachedAggregate("petition-batches|\(access.scopeKey)") { try await batches(access, on: db) }
    }

    static func listBatches(req: Request) async throws -> Paged<BatchOut> {
        let p = try PageRequest(req)
        let all = try await cachedBatches(req, try await req.access())
        let slice = all.dropFirst(min(p.offset, all.count)).prefix(p.per)
        return Paged(items: Array(slice), page: p.page, per: p.per, total: all.count)
    }

    static func batch(req: Request) async throws -> BatchOut {
        guard let b = try await batches(try await req.access(), batchID: try req.intParameter("id"), on: req.db).first else {
            throw AppError.notFound
        }
        return b
    }

    static func createBatch(req: Request) async throws -> Response {
        let body = try req.decodeBody(PetitionService.NewBatch.self)
        let access = try await req.access()
        let b = try await PetitionService.createBatch(body, access: access, clock: req.application.clock, on: req.db)
        guard let out = try await batches(access, batchID: try b.requireID(), on: req.db).first else { throw AppError.notFound }
        return try await out.encodeResponse(status: .created, for: req)
    }
}
