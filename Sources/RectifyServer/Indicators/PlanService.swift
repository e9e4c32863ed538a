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

    /// The baseline: the inspection's problems and top-level tasks as they stand now, less
    /// those already withdrawn (核减) from an earlier version.
    static func baseline(inspectionID: Int, on db: any Database) async throws -> PlanBaseline {
        let problems = try await Problem.query(on: db).filter(\.$inspection.$id == inspectionID).count()
        return PlanBaseline(problems: problems, tasks: try await current(inspectionID: inspectionID, on: db).filter { $0.withdrawn == nil }.map(\.task))
    }

    /// The inspection's top-level tasks as they stand, each with its withdrawal (核减) in words.
    static func current(inspectionID: Int, on db: any Database) async throws -> [PlanChange.Current] {
        let tasks = try await TaskRecord.query(on: db).filter(\.$inspection.$id == inspectionID).filter(\.$parentTask.$id == nil)
            .sort(\.$number).all()
        let withdrawals = try await TaskWithdrawal.query(on: db).filter(\.$inspection.$id == inspectionID).all()
        let numbers = Dictionary(tasks.map { ($0.id ?? 0, $0.number) }, uniquingKeysWith: { a, _ in a })
        let words = Dictionary(withdrawals.map { w in
            (w.$task.id, PlanWithdrawal.words(w.kind, intoNumber: w.$mergedInto.id.flatMap { numbers[$0] }, documentNumber: w.documentNumber,
                                              approvedOn: LocalDate(iso: w.approvedOn), reason: w.reason))
        }, uniquingKeysWith: { a, _ in a })
        return tasks.map { t in
            PlanChange.Current(task: .init(id: t.id ?? 0, number: t.number, title: t.title, deadline: t.deadline, parts: t.subtasksTotal),
                               withdrawn: words[t.id ?? 0])
        }
    }

    struct Withdrawal: Content {
        var kind: PlanWithdrawal
        /// For a merge: the task it is merged into (of the same inspection).
        var mergedIntoTaskID: Int?
        var documentNumber: String
        var approvedOn: LocalDate
        var reason: String
    }

    /// 核减: records that the approving body took a task out of the approved plan. The task
    /// stays in the ledger as it was; the plan's changes and the report's sentence name it.
    static func withdraw(taskID: Int, _ n: Withdrawal, access: Access, clock: AppClock, on db: any Database) async throws -> TaskWithdrawal {
        guard let view = try await TaskView.load(taskID, on: db), access.canRead(view) else { throw AppError.notFound }
        guard access.isOffice(over: view) else {
            throw AppError(status: .forbidden, code: "plan.forbidden", message: "只有本地区整改办可以登记核减")
        }
        let task = view.task
        let inspectionID = task.$inspection.id
        // The plan is the inspection's: only its region's office changes it, whoever the task's units are.
        _ = try await inspection(inspectionID, access: access, write: true, on: db)
        var v: [Violation] = []
        if task.$parentTask.id != nil { v.append(.init("plan.withdrawPart", field: "taskID", "分解给下级的子任务不在方案中,不能核减")) }
        for (field, text, word, limit) in [("documentNumber", n.documentNumber, "批准文号", 60), ("reason", n.reason, "核减理由", 500)]
        where text.allSatisfy(\.isWhitespace) || text.count > limit
            || text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\n" }) {
            v.append(.init("plan.\(field)Invalid", field: field, "请填写\(word)(不超过 \(limit) 字)"))
        }
        if n.approvedOn > clock.today { v.append(.init("plan.approvedInFuture", field: "approvedOn", "批准日期不得晚于今天")) }
        switch (n.kind, n.mergedIntoTaskID) {
        case (.merged, nil): v.append(.init("plan.mergeTargetMissing", field: "mergedIntoTaskID", "合并须指明并入哪一项任务"))
        case (.cancelled, .some): v.append(.init("plan.mergeTargetUnexpected", field: "mergedIntoTaskID", "取消的任务不并入其他任务"))
        case (.merged, let into?) where into == taskID: v.append(.init("plan.mergeIntoItself", field: "mergedIntoTaskID", "任务不能并入自身"))
        default: break
        }
        try v.throwIfAny()
        return try await db.writeTransaction { tx in
            guard let plan = try await RectificationPlan.query(on: tx).filter(\.$inspection.$id == inspectionID)
                .sort(\.$version, .descending).first() else {
                throw AppError(status: .unprocessableEntity, code: "plan.none", message: "本次督察还没有登记批准的整改方案,无从核减")
            }
            // 核减 takes a task out of the approved plan: it, and a task it merges into, must be in it.
            let inPlan = Set(plan.baseline.tasks.map(\.id))
            guard inPlan.contains(taskID) else {
                throw ValidationFailure([.init("plan.notInPlan", field: "taskID", "该任务不在第 \(plan.version) 版方案中(方案批准后新增的任务不能核减)")])
            }
            if let into = n.mergedIntoTaskID, !inPlan.contains(into) {
                throw ValidationFailure([.init("plan.mergeTargetUnknown", field: "mergedIntoTaskID", "并入的任务应是本次督察方案中未核减的任务")])
            }
            if try await TaskWithdrawal.query(on: tx).filter(\.$task.$id == taskID).first() != nil {
                throw AppError(status: .conflict, code: "plan.alreadyWithdrawn", message: "该任务已经核减")
            }
            if let into = n.mergedIntoTaskID {
                guard let target = try await TaskRecord.find(into, on: tx), target.$inspection.id == inspectionID, target.$parentTask.id == nil,
                      try await TaskWithdrawal.query(on: tx).filter(\.$task.$id == into).first() == nil else {
                    throw ValidationFailure([.init("plan.mergeTargetUnknown", field: "mergedIntoTaskID", "并入的任务应是本次督察方案中未核减的任务")])
                }
            }
            let w = TaskWithdrawal()
            w.$task.id = taskID
            w.$inspection.id = inspectionID
            w.kind = n.kind
            w.$mergedInto.id = n.mergedIntoTaskID
            w.documentNumber = n.documentNumber.trimmingCharacters(in: .whitespacesAndNewlines)
            w.approvedOn = n.approvedOn.iso
            w.reason = n.reason.trimmingCharacters(in: .whitespacesAndNewlines)
            w.$createdBy.id = access.userID == 0 ? nil : access.userID
            w.createdAt = clock.now()
            try await w.create(on: tx)
            try await Audit.record(on: tx, actor: access.auditActor, action: .planWithdraw, recordType: "task_withdrawal",
                                   recordID: try w.requireID(), taskID: taskID, before: Optional<String>.none,
                                   after: ["kind": n.kind.rawValue, "into": n.mergedIntoTaskID.map(String.init) ?? "",
                                           "documentNumber": w.documentNumber, "approvedOn": w.approvedOn, "reason": w.reason],
                                   now: clock.now())
            return w
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
            plan.$createdBy.id = access.userID == 0 ? nil : access.userID
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

    /// POST /api/v1/tasks/{id}/withdrawal: 核减, answers the plan's versions with the change.
    static func withdraw(req: Request) async throws -> Response {
        let body = try req.decodeBody(PlanService.Withdrawal.self)
        let access = try await req.access()
        let w = try await PlanService.withdraw(taskID: try req.intParameter("id"), body, access: access, clock: req.application.clock, on: req.db)
        guard let latest = try await PlanService.versions(inspectionID: w.$inspection.id, access: access, on: req.db).first else {
            throw AppError.notFound
        }
        return try await latest.encodeResponse(status: .created, for: req)
    }

    static func document(req: Request) async throws -> Response {
        let access = try await req.access()
        guard let plan = try await RectificationPlan.find(try req.intParameter("id"), on: req.db) else { throw AppError.notFound }
        _ = try await PlanService.inspection(plan.$inspection.id, access: access, write: false, on: req.db)
        guard let file = plan.$file.id else { throw AppError(status: .notFound, code: "plan.noDocument", message: "这一版方案还没有上传文件") }
        return try await EvidenceAPI.stream(fileID: file, name: plan.fileName ?? "整改方案", req)
    }
}
