import Fluent
import Foundation
import SQLKit
import Vapor
import RectifyCore

/// A lead (问题线索) and what came of it (issue 13 §4).
final class AccountabilityCase: Model, @unchecked Sendable {
    static let schema = "accountability_cases"

    @ID(custom: .id) var id: Int?
    @Parent(key: "inspection_id") var inspection: Inspection
    @Field(key: "region_code") var regionCode: Int
    @Field(key: "source") var source: LeadSource
    @Field(key: "summary") var summary: String
    @Field(key: "received_on") var receivedOn: String
    /// The tasks and petition cases it concerns, comma-separated ids.
    @Field(key: "task_ids") var taskIDsText: String
    @Field(key: "petition_ids") var petitionIDsText: String
    @Parent(key: "created_by") var createdBy: User
    @Field(key: "created_at") var createdAt: Date

    init() {}

    static func ids(_ text: String) -> [Int] { text.split(separator: ",").compactMap { Int($0) } }
    static func text(_ ids: [Int]) -> String { Set(ids).sorted().map(String.init).joined(separator: ",") }
}

final class AccountabilityPerson: Model, @unchecked Sendable {
    static let schema = "accountability_people"

    @ID(custom: .id) var id: Int?
    @Parent(key: "case_id") var accountabilityCase: AccountabilityCase
    @Field(key: "name") var name: String
    @Field(key: "post") var post: String
    @Field(key: "rank") var rank: OfficialRank
    @Field(key: "organisation") var organisation: String
    @Field(key: "measure") var measure: AccountabilityMeasure
    @Field(key: "decided_on") var decidedOn: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// Only discipline inspection (纪检监察) over the region writes the register; the office
/// and leaders over it read it; everyone else, the public included, sees counts only.
enum AccountabilityService {
    struct NewCase: Content {
        var inspectionID: Int
        var regionCode: Int?
        var source: LeadSource
        var summary: String
        var receivedOn: LocalDate
        var taskIDs: [Int]?
        var petitionIDs: [Int]?
    }

    struct NewPerson: Content {
        var name: String
        var post: String
        var rank: OfficialRank
        var organisation: String
        var measure: AccountabilityMeasure
        var decidedOn: LocalDate
    }

    static func canWrite(_ access: Access, region: Int) -> Bool {
        access.roles.contains(.discipline) && access.oversight?.contains(region) == true
    }

    static func canRead(_ access: Access, region: Int) -> Bool {
        access.isAdmin || canWrite(access, region: region) || access.oversees([region], as: .office)
            || access.oversees([region], as: .leader)
    }

    static func scope(_ access: Access) -> SQLQueryString {
        if access.isAdmin { return "1 = 1" }
        guard let range = access.oversight,
              access.roles.contains(.discipline) || access.roles.contains(.office) || access.roles.contains(.leader) else { return "1 = 0" }
        return "a.region_code BETWEEN \(bind: range.lowerBound) AND \(bind: range.upperBound)"
    }

    static func create(_ n: NewCase, access: Access, clock: AppClock, on db: any Database) async throws -> AccountabilityCase {
        guard let inspection = try await Inspection.find(n.inspectionID, on: db) else {
            throw ValidationFailure([.init("accountability.inspectionUnknown", field: "inspectionID", "督察 \(n.inspectionID) 不存在")])
        }
        let region = n.regionCode ?? inspection.$targetRegion.id
        guard canWrite(access, region: region) else {
            throw AppError(status: .forbidden, code: "accountability.forbidden", message: "只有本地区纪检监察机关可以登记责任追究")
        }
        var v: [Violation] = []
        if n.summary.allSatisfy(\.isWhitespace) || n.summary.count > 5_000 {
            v.append(.init("accountability.summaryInvalid", field: "summary", "请填写问题线索(不超过 5000 字)"))
        }
        if n.receivedOn > clock.today { v.append(.init("accountability.future", field: "receivedOn", "日期不得晚于今天")) }
        if !Access.subtree(of: inspection.$targetRegion.id).contains(region) {
            v.append(.init("accountability.regionOutside", field: "regionCode", "地区应在本次督察的地区之内"))
        }
        if (n.taskIDs?.count ?? 0) > 100 || (n.petitionIDs?.count ?? 0) > 100 {
            v.append(.init("accountability.tooManyLinks", field: "taskIDs", "关联的任务或信访件各不超过 100 项"))
        }
        try v.throwIfAny()
        return try await db.writeTransaction { tx in
            let tasks = Set(n.taskIDs ?? [])
            if !tasks.isEmpty, try await TaskRecord.query(on: tx).filter(\.$id ~~ tasks).filter(\.$inspection.$id == n.inspectionID).count() != tasks.count {
                throw ValidationFailure([.init("accountability.taskUnknown", field: "taskIDs", "关联的整改任务不属于本次督察")])
            }
            let petitions = Set(n.petitionIDs ?? [])
            if !petitions.isEmpty, try await PetitionCase.query(on: tx).filter(\.$id ~~ petitions).count() != petitions.count {
                throw ValidationFailure([.init("accountability.petitionUnknown", field: "petitionIDs", "关联的信访件不存在")])
            }
            let c = AccountabilityCase()
            c.$inspection.id = n.inspectionID
            c.regionCode = region
            c.source = n.source
            c.summary = n.summary
            c.receivedOn = n.receivedOn.iso
            c.taskIDsText = AccountabilityCase.text(Array(tasks))
            c.petitionIDsText = AccountabilityCase.text(Array(petitions))
            c.$createdBy.id = access.userID
            c.createdAt = clock.now()
            try await c.create(on: tx)
            try await Audit.record(on: tx, actor: access.auditActor, action: .accountabilityCreate, recordType: "accountability_case",
                                   recordID: try c.requireID(), taskID: nil, before: Optional<String>.none,
                                   after: ["source": n.source.rawValue, "summary": n.summary, "tasks": c.taskIDsText,
                                           "petitions": c.petitionIDsText], now: clock.now())
            return c
        }
    }

    static func addPerson(_ caseID: Int, _ p: NewPerson, access: Access, clock: AppClock, on db: any Database) async throws -> AccountabilityPerson {
        try await db.writeTransaction { tx in
            guard let c = try await AccountabilityCase.find(caseID, on: tx), canRead(access, region: c.regionCode) else { throw AppError.notFound }
            guard canWrite(access, region: c.regionCode) else {
                throw AppError(status: .forbidden, code: "accountability.forbidden", message: "只有本地区纪检监察机关可以登记责任追究")
            }
            var v: [Violation] = []
            for (field, text, word) in [("name", p.name, "姓名"), ("post", p.post, "职务"), ("organisation", p.organisation, "单位")]
            where text.allSatisfy(\.isWhitespace) || text.count > 200 {
                v.append(.init("accountability.\(field)Invalid", field: field, "请填写\(word)(不超过 200 字)"))
            }
            if p.decidedOn > clock.today { v.append(.init("accountability.future", field: "decidedOn", "日期不得晚于今天")) }
            try v.throwIfAny()
            let person = AccountabilityPerson()
            person.$accountabilityCase.id = caseID
            person.name = p.name.trimmingCharacters(in: .whitespaces)
            person.post = p.post.trimmingCharacters(in: .whitespaces)
            person.rank = p.rank
            person.organisation = p.organisation.trimmingCharacters(in: .whitespaces)
            person.measure = p.measure
            person.decidedOn = p.decidedOn.iso
            person.createdAt = clock.now()
            try await person.create(on: tx)
            try await Audit.record(on: tx, actor: access.auditActor, action: .accountabilityPerson, recordType: "accountability_person",
                                   recordID: try person.requireID(), taskID: nil, before: Optional<String>.none,
                                   after: ["case": String(caseID), "name": person.name, "post": person.post, "rank": p.rank.rawValue,
                                           "organisation": person.organisation, "measure": p.measure.rawValue, "decidedOn": p.decidedOn.iso],
                                   now: clock.now())
            return person
        }
    }
}

enum AccountabilityAPI {
    struct PersonOut: Content {
        let id: Int
        let name: String
        let post: String
        let rank: OfficialRank
        let organisation: String
        let measure: AccountabilityMeasure
        let decidedOn: String
    }

    struct CaseOut: Content {
        let id: Int
        let inspectionID: Int
        let regionCode: Int
        let source: LeadSource
        let summary: String
        let receivedOn: String
        let taskIDs: [Int]
        let petitionIDs: [Int]
        let people: [PersonOut]
    }

    static func outs(_ cases: [AccountabilityCase], on db: any Database) async throws -> [CaseOut] {
        let ids = cases.compactMap(\.id)
        let people = ids.isEmpty ? [] : try await AccountabilityPerson.query(on: db).filter(\.$accountabilityCase.$id ~~ ids).sort(\.$id).all()
        let byCase = Dictionary(grouping: people, by: \.$accountabilityCase.id)
        return cases.map { c in
            CaseOut(id: c.id ?? 0, inspectionID: c.$inspection.id, regionCode: c.regionCode, source: c.source, summary: c.summary,
                    receivedOn: c.receivedOn, taskIDs: AccountabilityCase.ids(c.taskIDsText), petitionIDs: AccountabilityCase.ids(c.petitionIDsText),
                    people: (byCase[c.id ?? 0] ?? []).map {
                        PersonOut(id: $0.id ?? 0, name: $0.name, post: $0.post, rank: $0.rank, organisation: $0.organisation,
                                  measure: $0.measure, decidedOn: $0.decidedOn)
                    })
        }
    }

    static func list(req: Request) async throws -> Paged<CaseOut> {
        let access = try await req.access()
        let p = try PageRequest(req)
        guard let sql = req.db as? any SQLDatabase else { throw Abort(.internalServerError) }
        let scope = AccountabilityService.scope(access)
        struct N: Decodable { let n: Int }
        let total = try await sql.raw("SELECT COUNT(*) AS n FROM accountability_cases a WHERE \(scope)").first(decoding: N.self)?.n ?? 0
        let cases = total == 0 ? [] : try await sql.raw("""
            SELECT a.* FROM accountability_cases a WHERE \(scope) ORDER BY a.id LIMIT \(literal: p.per) OFFSET \(literal: p.offset)
            """).all().map { try $0.decode(fluentModel: AccountabilityCase.self) }
        return Paged(items: try await outs(cases, on: req.db), page: p.page, per: p.per, total: total)
    }

    static func detail(req: Request) async throws -> CaseOut {
        let access = try await req.access()
        guard let c = try await AccountabilityCase.find(try req.intParameter("id"), on: req.db),
              AccountabilityService.canRead(access, region: c.regionCode) else { throw AppError.notFound }
        return try await outs([c], on: req.db)[0]
    }

    static func create(req: Request) async throws -> Response {
        let body = try req.decodeBody(AccountabilityService.NewCase.self)
        let c = try await AccountabilityService.create(body, access: try await req.access(), clock: req.application.clock, on: req.db)
        return try await outs([c], on: req.db)[0].encodeResponse(status: .created, for: req)
    }

    static func addPerson(req: Request) async throws -> Response {
        let body = try req.decodeBody(AccountabilityService.NewPerson.self)
        let id = try req.intParameter("id")
        _ = try await AccountabilityService.addPerson(id, body, access: try await req.access(), clock: req.application.clock, on: req.db)
        guard let c = try await AccountabilityCase.find(id, on: req.db) else { throw AppError.notFound }
        return try await outs([c], on: req.db)[0].encodeResponse(status: .created, for: req)
    }

    /// What anyone may know: people held to account by measure and by rank, no names.
    struct Counts: Content {
        let cases: Int
        let people: Int
        let byMeasure: [String: Int]
        let byRank: [String: Int]
    }

    static func counts(inspectionID: Int?, on db: any Database) async throws -> Counts {
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
        let only: SQLQueryString = inspectionID.map { "a.inspection_id = \(bind: $0)" } ?? "1 = 1"
        // One statement: the leads, then the people by measure and rank.
        struct G: Decodable { let measure: String?; let rank: String?; let n: Int }
        let rows = try await sql.raw("""
            SELECT CAST(NULL AS TEXT) AS measure, CAST(NULL AS TEXT) AS rank, COUNT(*) AS n FROM accountability_cases a WHERE \(only) \
            UNION ALL \
            SELECT p.measure, p.rank, COUNT(*) AS n FROM accountability_people p JOIN accountability_cases a ON a.id = p.case_id \
            WHERE \(only) GROUP BY p.measure, p.rank
            """).all(decoding: G.self)
        let cases = rows.first { $0.measure == nil }?.n ?? 0
        let groups = rows.compactMap { r in r.measure.flatMap { m in r.rank.map { (measure: m, rank: $0, n: r.n) } } }
        var byMeasure: [String: Int] = [:], byRank: [String: Int] = [:]
        for g in groups {
            byMeasure[g.measure, default: 0] += g.n
            byRank[g.rank, default: 0] += g.n
        }
        return Counts(cases: cases, people: groups.map(\.n).reduce(0, +), byMeasure: byMeasure, byRank: byRank)
    }

    /// GET /api/v1/accountability-cases/counts?inspection=: counts only, for anyone signed in.
    static func countsRoute(req: Request) async throws -> Counts {
        _ = try await req.access()
        return try await counts(inspectionID: try req.queryInt("inspection", in: Bounds.id), on: req.db)
    }
}
