import Fluent
import Foundation
import SQLKit
import Vapor
import RectifyCore

/// 整改方案 as an approved document (issue 15 §1): each approval (and re-approval) is a
/// version with its 文号, approving body and date, the document itself, and the
/// baseline of problems and tasks as they stood, which later changes are shown against.
enum PlanService {
    struct NewPlan: Content {
        var title: String
        var documentNumber: String
        var approvedBy: String
        var approvedOn: LocalDate
    }

    static func canRead(_ access: Access, _ inspection: Inspection) -> Bool {
        let region = [inspection.$targetRegion.id]
        return access.oversees(region, as: .office) || access.oversees(region, as: .leader)
    }

    static func canWrite(_ access: Access, _ inspection: Inspection) -> Bool {
        access.oversees([inspection.$targetRegion.id], as: .office)
    }

    static func inspection(_ id: Int, access: Access, write: Bool, on db: any Database) async throws -> Inspection {
        guard let i = try await Inspection.find(id, on: db), canRead(access, i) else { throw AppError.notFound }
        if write, !canWrite(access, i) {
            throw AppError(status: .forbidden, code: "plan.forbidden", message: "只有本地区整改办可以登记整改方案")
        }
        return i
    }

    /// The baseline: the inspection's problems and top-level tasks as they stand now.
    static func baseline(inspectionID: Int, on db: any Database) async throws -> PlanBaseline {
        let problems = try await Problem.query(on: db).filter(\.$inspection.$id == inspectionID).count()
        return PlanBaseline(problems: problems, tasks: try await current(inspectionID: inspectionID, on: db).map(\.task))
    }

    static func current(inspectionID: Int, on db: any Database) async throws -> [PlanChange.Current] {
        try await TaskRecord.query(on: db).filter(\.$inspection.$id == inspectionID).filter(\.$parentTask.$id == nil)
            .sort(\.$number).all().map { t in
                PlanChange.Current(task: .init(id: t.id ?? 0, number: t.number, title: t.title, deadline: t.deadline, parts: t.subtasksTotal),
                                   withdrawn: nil)
            }
    }

    static let documentKinds: Set<EvidenceType> = [.pdf, .officeOpenXML, .openDocument, .ofd, .oleCompound]

    /// `document`: the approved text, already stored, recorded with the version in its transaction.
    static func approve(inspectionID: Int, _ n: NewPlan, document: EvidenceService.StoredFile? = nil, access: Access, clock: AppClock,
                        on db: any Database) async throws -> RectificationPlan {
        _ = try await inspection(inspectionID, access: access, write: true, on: db)
        var v: [Violation] = []
        for (field, text, word, limit) in [("title", n.title, "方案名称", 200), ("documentNumber", n.documentNumber, "文号", 60),
                                            ("approvedBy", n.approvedBy, "批准机关", 100)]
        where text.allSatisfy(\.isWhitespace) || text.count > limit
            || text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            v.append(.init("plan.\(field)Invalid", field: field, "请填写\(word)(不超过 \(limit) 字)"))
        }
        if n.approvedOn > clock.today { v.append(.init("plan.approvedInFuture", field: "approvedOn", "批准日期不得晚于今天")) }
        try v.throwIfAny()
        return try await db.writeTransaction { tx in
            let latest = try await RectificationPlan.query(on: tx).filter(\.$inspection.$id == inspectionID).sort(\.$version, .descending).first()
            if let latest, let on = LocalDate(iso: latest.approvedOn), n.approvedOn < on {
                throw ValidationFailure([.init("plan.beforePrevious", field: "approvedOn",
                                               "批准日期早于上一版(第 \(latest.version) 版,\(on.chinese)):重新批准应在其后")])
            }
            let base = try await baseline(inspectionID: inspectionID, on: tx)
            let plan = RectificationPlan()
            plan.$inspection.id = inspectionID
            plan.version = (latest?.version ?? 0) + 1
            plan.title = n.title.trimmingCharacters(in: .whitespacesAndNewlines)
            plan.documentNumber = n.documentNumber.trimmingCharacters(in: .whitespacesAndNewlines)
            plan.approvedBy = n.approvedBy.trimmingCharacters(in: .whitespacesAndNewlines)
            plan.approvedOn = n.approvedOn.iso
            plan.baselineJSON = String(decoding: try JSONEncoder().encode(base), as: UTF8.self)
            plan.$createdBy.id = access.userID
            plan.createdAt = clock.now()
            if let document {
                plan.$file.id = try await EvidenceService.fileRecord(document, on: tx).requireID()
                plan.fileName = document.name
            }
            try await plan.create(on: tx)
            try await Audit.record(on: tx, actor: access.auditActor, action: .planApprove, recordType: "rectification_plan",
                                   recordID: try plan.requireID(), taskID: nil, before: Optional<String>.none,
                                   after: ["inspection": String(inspectionID), "version": String(plan.version), "title": plan.title,
                                           "documentNumber": plan.documentNumber, "approvedBy": plan.approvedBy, "approvedOn": plan.approvedOn,
                                           "problems": String(base.problems), "tasks": String(base.tasks.count),
                                           "document": document?.name ?? ""],
                                   now: clock.now())
            return plan
        }
    }

    /// Attaches the approved document (PDF or Word) to a version, replacing an earlier upload.
    static func attach(planID: Int, name: String, body: ByteBuffer?, req: Request) async throws -> RectificationPlan {
        let access = try await req.access()
        guard let plan = try await RectificationPlan.find(planID, on: req.db) else { throw AppError.notFound }
        _ = try await inspection(plan.$inspection.id, access: access, write: true, on: req.db)
        let evidence = try await EvidenceAPI.service(req)
        let stored = try await evidence.storeFile(name: name, body: body)
        guard documentKinds.contains(stored.kind) else {
            throw AppError(status: .unsupportedMediaType, code: "plan.documentType", message: "方案文件应是 PDF、OFD 或 Word 文档")
        }
        let clock = req.application.clock
        return try await req.db.writeTransaction { tx in
            guard let plan = try await RectificationPlan.find(planID, on: tx) else { throw AppError.notFound }
            let file = try await EvidenceService.fileRecord(stored, on: tx)
            let before = plan.fileName
            plan.$file.id = try file.requireID()
            plan.fileName = stored.name
            try await plan.save(on: tx)
            try await Audit.record(on: tx, actor: access.auditActor, action: .planApprove, recordType: "rectification_plan",
                                   recordID: planID, taskID: nil, before: before.map { ["document": $0] },
                                   after: ["document": stored.name, "sha256": stored.sha256], now: clock.now())
            return plan
        }
    }

    struct PlanOut: Content {
        let id: Int
        let inspectionID: Int
        let version: Int
        let title: String
        let documentNumber: String
        let approvedBy: String
        let approvedOn: String
        let problems: Int
        let tasks: Int
        let documentName: String?
        /// Against this version's baseline, in task-number order (the latest version's only).
        let changes: [PlanChange]?
    }

    /// Every version, newest first; the newest with its differences from the ledger as it stands.
    static func versions(inspectionID: Int, access: Access, on db: any Database) async throws -> [PlanOut] {
        _ = try await inspection(inspectionID, access: access, write: false, on: db)
        let plans = try await RectificationPlan.query(on: db).filter(\.$inspection.$id == inspectionID).sort(\.$version, .descending).all()
        let current = plans.isEmpty ? [] : try await current(inspectionID: inspectionID, on: db)
        return plans.enumerated().map { i, p in
            let base = p.baseline
            return PlanOut(id: p.id ?? 0, inspectionID: inspectionID, version: p.version, title: p.title, documentNumber: p.documentNumber,
                           approvedBy: p.approvedBy, approvedOn: p.approvedOn, problems: base.problems, tasks: base.tasks.count,
                           documentName: p.fileName, changes: i == 0 ? PlanChange.between(base, current) : nil)
        }
    }
}

enum PlanAPI {
    static func list(req: Request) async throws -> [PlanService.PlanOut] {
        try await PlanService.versions(inspectionID: try req.intParameter("id"), access: try await req.access(), on: req.db)
    }

    static func create(req: Request) async throws -> Response {
        let body = try req.decodeBody(PlanService.NewPlan.self)
        let access = try await req.access()
        let id = try req.intParameter("id")
        let plan = try await PlanService.approve(inspectionID: id, body, access: access, clock: req.application.clock, on: req.db)
        let out = try await PlanService.versions(inspectionID: id, access: access, on: req.db).first { $0.id == plan.id }
        guard let out else { throw AppError.notFound }
        return try await out.encodeResponse(status: .created, for: req)
    }

    /// POST /api/v1/plans/{id}/document?name=: the body is the PDF or Word file.
    static func attach(req: Request) async throws -> PlanService.PlanOut {
        let name = (try? req.query.get(String.self, at: "name")) ?? ""
        let plan = try await PlanService.attach(planID: try req.intParameter("id"), name: name, body: req.body.data, req: req)
        let out = try await PlanService.versions(inspectionID: plan.$inspection.id, access: try await req.access(), on: req.db)
        guard let mine = out.first(where: { $0.id == plan.id }) else { throw AppError.notFound }
        return mine
    }

    static func document(req: Request) async throws -> Response {
        let access = try await req.access()
        guard let plan = try await RectificationPlan.find(try req.intParameter("id"), on: req.db) else { throw AppError.notFound }
        _ = try await PlanService.inspection(plan.$inspection.id, access: access, write: false, on: req.db)
        guard let file = plan.$file.id else { throw AppError(status: .notFound, code: "plan.noDocument", message: "这一版方案还没有上传文件") }
        return try await EvidenceAPI.stream(fileID: file, name: plan.fileName ?? "整改方案", req)
    }
}
