import Fluent
import Foundation
import SQLKit
import Vapor
import RectifyCore

/// Who may do what with petition cases (issue 13 §1, §3): the office over the case's
/// region handles everything; leaders over it read; the units a case is given to read it
/// and report its handling. The complainant's particulars are for the office and the
/// case's units only: not for leaders, the admin, other units or the public.
struct PetitionAccess {
    let access: Access

    private func officeRole(_ region: Int) -> Bool {
        access.roles.contains(.office) && access.oversight?.contains(region) == true
    }

    func isUnit(of units: [Int]) -> Bool {
        access.roles.contains(.unit) && access.unitID.map(units.contains) == true
    }

    func canRead(region: Int, units: [Int]) -> Bool {
        access.isAdmin || access.oversees([region], as: .office) || access.oversees([region], as: .leader) || isUnit(of: units)
    }

    /// The office over the case (an admin too: it sets the system up) may create and edit.
    func canManage(region: Int) -> Bool { access.isAdmin || officeRole(region) }

    func canReport(region: Int, units: [Int]) -> Bool { canManage(region: region) || isUnit(of: units) }

    func canSeeComplainant(region: Int, units: [Int]) -> Bool { officeRole(region) || isUnit(of: units) }

    /// The SQL condition for the cases this user may read (`c` is petition_cases).
    var scope: SQLQueryString {
        if access.isAdmin { return "1 = 1" }
        var parts: [SQLQueryString] = []
        if let range = access.oversight, access.roles.contains(.office) || access.roles.contains(.leader) {
            parts.append("c.region_code BETWEEN \(bind: range.lowerBound) AND \(bind: range.upperBound)")
        }
        if access.roles.contains(.unit), let unit = access.unitID {
            parts.append("EXISTS (SELECT 1 FROM petition_case_units pu WHERE pu.case_id = c.id AND pu.unit_id = \(bind: unit))")
        }
        if parts.isEmpty { return "1 = 0" }
        return "(\(parts.joined(separator: " OR ")))"
    }
}

enum PetitionService {
    struct NewBatch: Content {
        var inspectionID: Int
        var number: Int
        var handedOverOn: LocalDate
        var replyBy: LocalDate
        var team: String?
    }

    struct Complainant: Content, Equatable {
        var name: String?
        var phone: String?
        var idNumber: String?
        var address: String?
    }

    struct NewCase: Content {
        var batchID: Int
        var caseNumber: String
        var place: String
        var regionCode: Int
        var complaint: String
        var pollutionKinds: [PollutionKind]?
        var keyCase: Bool?
        /// The batch's reply-by date when absent.
        var dueDate: LocalDate?
        var unitIDs: [Int]
        var complainant: Complainant?
        var taskID: Int?
    }

    struct Progress: Content {
        /// The version the client last saw; a mismatch is a conflict.
        var version: Int
        var status: PetitionStatus
        var finding: PetitionFinding?
        var findings: String?
        var measures: String?
        var fineYuan: Int?
        var finedCompanies: Int?
        var detained: Int?
        var summoned: Int?
        var heldToAccount: Int?
        /// 责令整改 was ordered; unchanged when absent.
        var orderedRectification: Bool?
        var followUp: FollowUp?
    }

    struct TaskLink: Content {
        var version: Int
        /// The rectification task of the same inspection this case is long-term work of; nil unlinks.
        var taskID: Int?
    }

    static let maxText = 5_000

    static func createBatch(_ b: NewBatch, access: Access, clock: AppClock, on db: any Database) async throws -> PetitionBatch {
        guard let inspection = try await Inspection.find(b.inspectionID, on: db) else {
            throw ValidationFailure([.init("batch.inspectionUnknown", field: "inspectionID", "督察 \(b.inspectionID) 不存在")])
        }
        guard PetitionAccess(access: access).canManage(region: inspection.$targetRegion.id) else {
            throw AppError(status: .forbidden, code: "batch.forbidden", message: "只有本地区整改办可以登记交办批次")
        }
        var v: [Violation] = []
        if !(1...10_000).contains(b.number) { v.append(.init("batch.numberInvalid", field: "number", "批次号应为 1 至 10000")) }
        if b.replyBy < b.handedOverOn { v.append(.init("batch.replyBeforeHandover", field: "replyBy", "办理期限不得早于交办日期")) }
        if (b.team ?? "").count > 200 { v.append(.init("batch.teamTooLong", field: "team", "督察组名称不超过 200 字")) }
        try v.throwIfAny()
        return try await db.writeTransaction { tx in
            if try await PetitionBatch.query(on: tx).filter(\.$inspection.$id == b.inspectionID).filter(\.$number == b.number).count() > 0 {
                throw AppError(status: .conflict, code: "batch.exists", message: "该督察已有第\(b.number)批")
            }
            let batch = PetitionBatch()
            batch.$inspection.id = b.inspectionID
            batch.number = b.number
            batch.handedOverOn = b.handedOverOn.iso
            batch.replyBy = b.replyBy.iso
            batch.team = (b.team ?? inspection.team).trimmingCharacters(in: .whitespacesAndNewlines)
            batch.createdAt = clock.now()
            try await batch.create(on: tx)
            try await Audit.record(on: tx, actor: access.auditActor, action: .petitionBatchCreate, recordType: "petition_batch",
                                   recordID: try batch.requireID(), taskID: nil, before: Optional<String>.none,
                                   after: ["number": String(b.number), "handedOverOn": b.handedOverOn.iso, "replyBy": b.replyBy.iso],
                                   now: clock.now())
            return batch
        }
    }

    static func createCase(_ n: NewCase, access: Access, clock: AppClock, on db: any Database) async throws -> PetitionCase {
        guard let batch = try await PetitionBatch.find(n.batchID, on: db),
              let inspection = try await Inspection.find(batch.$inspection.id, on: db) else {
            throw ValidationFailure([.init("petition.batchUnknown", field: "batchID", "交办批次 \(n.batchID) 不存在")])
        }
        let target = inspection.$targetRegion.id
        guard PetitionAccess(access: access).canManage(region: target) || PetitionAccess(access: access).canManage(region: n.regionCode) else {
            throw AppError(status: .forbidden, code: "petition.forbidden", message: "只有本地区整改办可以登记信访举报件")
        }
        var v: [Violation] = []
        let number = n.caseNumber.trimmingCharacters(in: .whitespaces)
        if number.isEmpty || number.count > 50 { v.append(.init("petition.numberInvalid", field: "caseNumber", "请填写受理编号(不超过 50 字)")) }
        if n.place.trimmingCharacters(in: .whitespaces).isEmpty || n.place.count > 500 {
            v.append(.init("petition.placeInvalid", field: "place", "请填写被举报对象或地点(不超过 500 字)"))
        }
        if n.complaint.allSatisfy(\.isWhitespace) || n.complaint.count > maxText {
            v.append(.init("petition.complaintInvalid", field: "complaint", "请填写交办问题基本情况(不超过 \(maxText) 字)"))
        }
        if !Access.subtree(of: target).contains(n.regionCode) {
            v.append(.init("petition.regionOutside", field: "regionCode", "行政区域应在本次督察的地区之内"))
        }
        if n.unitIDs.isEmpty || n.unitIDs.count > 20 { v.append(.init("petition.unitsRequired", field: "unitIDs", "请指定 1 至 20 个办理单位")) }
        for (field, text, limit) in [("complainant.name", n.complainant?.name, 100), ("complainant.phone", n.complainant?.phone, 50),
                                     ("complainant.idNumber", n.complainant?.idNumber, 30), ("complainant.address", n.complainant?.address, 300)]
        where (text ?? "").count > limit {
            v.append(.init("petition.complainantTooLong", field: field, "举报人信息过长(不超过 \(limit) 字)"))
        }
        try v.throwIfAny()
        return try await db.writeTransaction { tx in
            let units = try await Unit.query(on: tx).filter(\.$id ~~ Set(n.unitIDs)).count()
            if units != Set(n.unitIDs).count {
                throw ValidationFailure([.init("petition.unitUnknown", field: "unitIDs", "办理单位不存在")])
            }
            if try await Region.find(n.regionCode, on: tx) == nil {
                throw ValidationFailure([.init("petition.regionUnknown", field: "regionCode", "没有这个行政区域")])
            }
            if let task = n.taskID, try await TaskRecord.query(on: tx).filter(\.$id == task).filter(\.$inspection.$id == inspection.requireID()).count() == 0 {
                throw ValidationFailure([.init("petition.taskUnknown", field: "taskID", "关联的整改任务不属于本次督察")])
            }
            if try await PetitionCase.query(on: tx).filter(\.$batch.$id == n.batchID).filter(\.$caseNumber == number).count() > 0 {
                throw AppError(status: .conflict, code: "petition.exists", message: "本批已有受理编号 \(number)")
            }
            let c = PetitionCase()
            c.$batch.id = n.batchID
            c.caseNumber = number
            c.source = PetitionSource(caseNumber: number)
            c.place = n.place.trimmingCharacters(in: .whitespacesAndNewlines)
            c.placeKey = PlaceKey.of(c.place)
            c.regionCode = n.regionCode
            c.complaint = n.complaint
            c.pollutionKinds = n.pollutionKinds ?? [.other]
            c.keyCase = n.keyCase ?? false
            c.dueDate = (n.dueDate?.iso) ?? batch.replyBy
            c.status = .pending
            c.findings = ""
            c.measures = ""
            (c.fineYuan, c.finedCompanies, c.detained, c.summoned, c.heldToAccount) = (0, 0, 0, 0, 0)
            c.orderedRectification = false
            c.$task.id = n.taskID
            c.complainantName = n.complainant?.name ?? ""
            c.complainantPhone = n.complainant?.phone ?? ""
            c.complainantIDNumber = n.complainant?.idNumber ?? ""
            c.complainantAddress = n.complainant?.address ?? ""
            c.version = 1
            c.createdAt = clock.now()
            try await c.create(on: tx)
            let id = try c.requireID()
            for unit in Set(n.unitIDs).sorted() { try await PetitionCaseUnit(caseID: id, unitID: unit).create(on: tx) }
            try await Audit.record(on: tx, actor: access.auditActor, action: .petitionCreate, recordType: "petition_case",
                                   recordID: id, taskID: n.taskID, before: Optional<PetitionSnapshot>.none,
                                   after: PetitionSnapshot(c), now: clock.now())
            let earlier = try await repeats(of: c, on: tx)
            try await Notifier.emit(NotificationEvent(
                kind: earlier.isEmpty ? .petitionAssigned : .petitionRepeat,
                title: earlier.isEmpty ? "交办信访举报件 \(number)" : "重复举报:\(number) 与 \(earlier.count) 件此前的举报同一对象",
                body: String(c.place.prefix(100)) + ":" + String(c.complaint.prefix(200)),
                link: SiteURL.petitionCase(id).path, taskID: n.taskID, regionCode: n.regionCode,
                dedupe: "petition:\(id)",
                recipients: try await Notifier.users(ofUnits: n.unitIDs, role: .unit, on: tx)
                    + (earlier.isEmpty ? [] : Notifier.users(over: n.regionCode, on: tx))), on: tx, now: clock.now())
            return c
        }
    }

    /// The figures of all the cases an inspection's team handed over, as they stand;
    /// `range`: only the cases within those regions (a dispatch round's).
    static func figures(inspectionID: Int, in range: ClosedRange<Int>? = nil, on db: any Database) async throws -> PetitionFigures? {
        try await figures(inspectionIDs: [inspectionID], in: range, on: db)[inspectionID]
    }

    /// Each inspection's petition figures as they stand, in one statement; an inspection
    /// without cases is absent. `inspectionIDs`: nil for every inspection.
    static func figures(inspectionIDs: [Int]?, in range: ClosedRange<Int>? = nil, on db: any Database) async throws -> [Int: PetitionFigures] {
        if inspectionIDs?.isEmpty == true { return [:] }
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
        struct Row: Decodable {
            let inspection_id: Int; let status: String; let n: Int; let ordered: Int?; let fined: Int?; let fine: Int?
            let detained: Int?; let summoned: Int?; let held: Int?
        }
        let only: SQLQueryString = inspectionIDs.map { "b.inspection_id IN (\(binds: $0))" } ?? "1 = 1"
        let within: SQLQueryString = range.map { "c.region_code BETWEEN \(bind: $0.lowerBound) AND \(bind: $0.upperBound)" } ?? "1 = 1"
        let rows = try await sql.raw("""
            SELECT b.inspection_id, c.status, COUNT(*) AS n, \
            CAST(SUM(CASE WHEN c.ordered_rectification THEN 1 ELSE 0 END) AS BIGINT) AS ordered, \
            CAST(SUM(c.fined_companies) AS BIGINT) AS fined, CAST(SUM(c.fine_yuan) AS BIGINT) AS fine, \
            CAST(SUM(c.detained) AS BIGINT) AS detained, CAST(SUM(c.summoned) AS BIGINT) AS summoned, \
            CAST(SUM(c.held_to_account) AS BIGINT) AS held FROM petition_cases c \
            JOIN petition_batches b ON b.id = c.batch_id WHERE \(only) AND \(within) \
            GROUP BY b.inspection_id, c.status
            """).all(decoding: Row.self)
        var out: [Int: PetitionFigures] = [:]
        for r in rows {
            out[r.inspection_id, default: PetitionFigures()].add(
                status: PetitionStatus(rawValue: r.status) ?? .pending, count: r.n, orderedRectification: r.ordered ?? 0,
                finedCompanies: r.fined ?? 0, fineYuan: r.fine ?? 0, detained: r.detained ?? 0, summoned: r.summoned ?? 0,
                heldToAccount: r.held ?? 0)
        }
        return out
    }

    /// An inspection's petition figures as the register stood at `instant`, rebuilt from
    /// the audit trail like the tasks' statuses (`AuditReplay`): each case entered by then
    /// counts with its state at that moment.
    static func figures(inspectionID: Int, at instant: Date, in range: ClosedRange<Int>? = nil,
                        on db: any Database) async throws -> PetitionFigures? {
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
        struct C: Decodable {
            let id: Int; let status: String; let ordered_rectification: Bool; let fined_companies: Int; let fine_yuan: Int
            let detained: Int; let summoned: Int; let held_to_account: Int
        }
        struct E: Decodable { let record_id: Int; let at: String; let before_json: String?; let after_json: String? }
        struct Snapshot: Decodable {
            let status: String; let orderedRectification: Bool?; let finedCompanies: Int; let fineYuan: Int
            let detained: Int; let summoned: Int; let heldToAccount: Int
        }
        let within: SQLQueryString = range.map { " AND c.region_code BETWEEN \(bind: $0.lowerBound) AND \(bind: $0.upperBound)" } ?? ""
        let cases = try await sql.raw("""
            SELECT c.id, c.status, c.ordered_rectification, c.fined_companies, c.fine_yuan, c.detained, c.summoned, c.held_to_account \
            FROM petition_cases c JOIN petition_batches b ON b.id = c.batch_id \
            WHERE b.inspection_id = \(bind: inspectionID) AND c.created_at <= \(bind: instant)\(within)
            """).all(decoding: C.self)
        guard !cases.isEmpty else { return nil }
        var state: [Int: Snapshot] = [:]
        for c in cases {
            state[c.id] = Snapshot(status: c.status, orderedRectification: c.ordered_rectification, finedCompanies: c.fined_companies,
                                   fineYuan: c.fine_yuan, detained: c.detained, summoned: c.summoned, heldToAccount: c.held_to_account)
        }
        let stamp = Audit.timestamp(instant)
        let events = try await sql.raw("""
            SELECT e.record_id, e.at, e.before_json, e.after_json FROM audit_events e \
            JOIN petition_cases c ON c.id = e.record_id JOIN petition_batches b ON b.id = c.batch_id \
            WHERE e.record_type = 'petition_case' AND b.inspection_id = \(bind: inspectionID) ORDER BY e.id
            """).all(decoding: E.self)
        AuditReplay.apply(events.map { ($0.record_id, $0.at, $0.before_json, $0.after_json) }, upTo: stamp, to: &state) { json in
            json.flatMap { try? JSONDecoder().decode(Snapshot.self, from: Data($0.utf8)) }
        }
        var f = PetitionFigures()
        for s in state.values {
            f.add(status: PetitionStatus(rawValue: s.status) ?? .pending, orderedRectification: s.orderedRectification == true ? 1 : 0,
                  finedCompanies: s.finedCompanies, fineYuan: s.fineYuan, detained: s.detained, summoned: s.summoned,
                  heldToAccount: s.heldToAccount)
        }
        return f
    }

    /// Earlier cases about the same place (any batch, any inspection), oldest first.
    static func repeats(of c: PetitionCase, on db: any Database) async throws -> [PetitionCase] {
        guard !c.placeKey.isEmpty else { return [] }
        return try await PetitionCase.query(on: db).filter(\.$placeKey == c.placeKey).filter(\.$id != c.requireID())
            .filter(\.$id < c.requireID()).sort(\.$id).limit(50).all()
    }

    static func units(of caseID: Int, on db: any Database) async throws -> [Int] {
        try await PetitionCaseUnit.query(on: db).filter(\.$petitionCase.$id == caseID).all().map(\.$unit.id)
    }

    /// Links a case to the rectification task it is long-term work of, or unlinks it: the
    /// office over the case only, a task of the case's own inspection only.
    static func link(_ caseID: Int, _ l: TaskLink, access: Access, clock: AppClock, on db: any Database) async throws -> PetitionCase {
        try await db.writeTransaction { tx in
            if let sql = tx as? any SQLDatabase, sql.dialect.name == "postgresql" {
                try await sql.raw("SELECT id FROM petition_cases WHERE id = \(bind: caseID) FOR UPDATE").run()
            }
            guard let c = try await PetitionCase.query(on: tx).filter(\.$id == caseID).with(\.$batch).first() else { throw AppError.notFound }
            let rules = PetitionAccess(access: access)
            guard rules.canRead(region: c.regionCode, units: try await units(of: caseID, on: tx)) else { throw AppError.notFound }
            guard rules.canManage(region: c.regionCode) else {
                throw AppError(status: .forbidden, code: "petition.linkForbidden", message: "只有本地区整改办可以关联整改任务")
            }
            guard l.version == c.version else {
                throw AppError(status: .conflict, code: "conflict", message: "该件已被他人更新(当前版本 \(c.version)),请刷新后重试;关联未保存")
            }
            if let task = l.taskID,
               try await TaskRecord.query(on: tx).filter(\.$id == task).filter(\.$inspection.$id == c.batch.$inspection.id).count() == 0 {
                throw ValidationFailure([.init("petition.taskUnknown", field: "taskID", "关联的整改任务不属于本次督察")])
            }
            let before = PetitionSnapshot(c)
            c.$task.id = l.taskID
            c.version += 1
            try await c.save(on: tx)
            try await Audit.record(on: tx, actor: access.auditActor, action: .petitionLink, recordType: "petition_case",
                                   recordID: caseID, taskID: l.taskID ?? before.taskID, before: before, after: PetitionSnapshot(c),
                                   now: clock.now())
            return c
        }
    }

    static func progress(_ caseID: Int, _ p: Progress, access: Access, clock: AppClock, on db: any Database) async throws -> PetitionCase {
        try await db.writeTransaction { tx in
            if let sql = tx as? any SQLDatabase, sql.dialect.name == "postgresql" {
                try await sql.raw("SELECT id FROM petition_cases WHERE id = \(bind: caseID) FOR UPDATE").run()
            }
            guard let c = try await PetitionCase.find(caseID, on: tx) else { throw AppError.notFound }
            let units = try await units(of: caseID, on: tx)
            let rules = PetitionAccess(access: access)
            guard rules.canRead(region: c.regionCode, units: units) else { throw AppError.notFound }
            guard rules.canReport(region: c.regionCode, units: units) else {
                throw AppError(status: .forbidden, code: "petition.progressForbidden", message: "只有办理单位或本地区整改办可以填报办理情况")
            }
            guard p.version == c.version else {
                throw AppError(status: .conflict, code: "conflict", message: "该件已被他人更新(当前版本 \(c.version)),请刷新后重试;您的填报未保存")
            }
            let step = PetitionProgress(status: p.status, finding: p.finding ?? c.finding, findings: p.findings ?? c.findings,
                                        measures: p.measures ?? c.measures, fineYuan: p.fineYuan ?? c.fineYuan,
                                        finedCompanies: p.finedCompanies ?? c.finedCompanies, detained: p.detained ?? c.detained,
                                        summoned: p.summoned ?? c.summoned, heldToAccount: p.heldToAccount ?? c.heldToAccount)
            var v = step.violations(from: c.status)
            for (field, text) in [("findings", step.findings), ("measures", step.measures)] where text.count > maxText {
                v.append(.init("petition.textTooLong", field: field, "内容不超过 \(maxText) 字"))
            }
            try v.throwIfAny()
            let before = PetitionSnapshot(c)
            let today = clock.today
            c.status = step.status
            c.finding = step.finding
            c.findings = step.findings
            c.measures = step.measures
            (c.fineYuan, c.finedCompanies, c.detained, c.summoned, c.heldToAccount) =
                (step.fineYuan, step.finedCompanies, step.detained, step.summoned, step.heldToAccount)
            if let f = p.followUp { c.followUp = f }
            if let o = p.orderedRectification { c.orderedRectification = o }
            c.progressedAt = clock.now()
            if step.status == .concludedStage, c.stageConcludedOn == nil { c.stageConcludedOn = today.iso }
            if step.status == .concluded { c.concludedOn = today.iso }
            c.version += 1
            try await c.save(on: tx)
            try await Audit.record(on: tx, actor: access.auditActor, action: .petitionProgress, recordType: "petition_case",
                                   recordID: caseID, taskID: c.$task.id, before: before, after: PetitionSnapshot(c), now: clock.now())
            return c
        }
    }
}
