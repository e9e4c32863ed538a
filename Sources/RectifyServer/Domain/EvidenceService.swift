import Fluent
import Foundation
import NIOPosix
import Vapor
import RectifyCore

/// 佐证材料 (issue 3 §12): stored under the data directory by SHA-256 (the same file
/// once), checked by content signature, served only to those who may see the task,
/// published only when the office marks it public.
struct EvidenceService {
    let lifecycle: LifecycleService
    let directory: String
    let maxBytes: Int
    let threadPool: NIOThreadPool

    var access: Access { lifecycle.access }

    func path(for sha: String) -> String {
        "\(directory)/\(sha.prefix(2))/\(sha)"
    }

    /// A file checked and stored on disk, not yet linked to its task: storing the bytes
    /// cannot be part of a database transaction, so it comes first (content-addressed,
    /// so storing twice is storing once), and the link goes into the transaction of
    /// whatever the file belongs to (a progress report and its attachment are one write).
    struct StoredFile: Sendable {
        let sha256: String
        let size: Int
        let kind: EvidenceType
        let name: String
    }

    /// `reportID`: attach the file to one of the task's progress reports.
    func upload(taskID: Int, name: String, body: ByteBuffer?, reportID: Int? = nil) async throws -> EvidenceLink {
        let stored = try await store(taskID: taskID, name: name, body: body)
        return try await lifecycle.db.writeTransaction { tx in
            if let reportID, try await ProgressReport.find(reportID, on: tx)?.$task.id != taskID {
                throw AppError(status: .unprocessableEntity, code: "evidence.reportUnknown", message: "进展报告 \(reportID) 不属于本任务")
            }
            return try await link(stored, taskID: taskID, reportID: reportID, on: tx)
        }
    }

    /// Checks who may upload, the name, size and content type, and stores the bytes.
    func store(taskID: Int, name: String, body: ByteBuffer?) async throws -> StoredFile {
        let db = lifecycle.db
        guard let view = try await TaskView.load(taskID, on: db), access.canRead(view) else { throw AppError.notFound }
        let roles = access.unitRoles(on: view)
        let mayUpload = access.isOffice(over: view)
            || (access.roles.contains(.unit) && !roles.subtracting([.acceptance]).isEmpty)
            || (access.roles.contains(.acceptor) && roles.contains(.acceptance))
        guard mayUpload else {
            throw AppError(status: .forbidden, code: "evidence.forbidden", message: "只有整改办、承办单位和验收单位可以上传佐证材料")
        }
        return try await storeFile(name: name, body: body)
    }

    /// Checks the name, size and content type, and stores the bytes: for whoever the
    /// caller has already found may upload (a task's units, the office with its plan).
    func storeFile(name: String, body: ByteBuffer?) async throws -> StoredFile {
        let cleanName = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !cleanName.isEmpty, cleanName.count <= 200, !cleanName.contains("/"), !cleanName.contains("\\") else {
            throw AppError(status: .unprocessableEntity, code: "evidence.nameInvalid", message: "请用 ?name= 给出文件名(不超过200字,不含路径)")
        }
        guard let body, body.readableBytes > 0 else {
            throw AppError(status: .unprocessableEntity, code: "evidence.empty", message: "文件为空,未保存")
        }
        // The route also stops larger bodies while they stream in; this holds whatever the transport.
        guard body.readableBytes <= maxBytes else {
            throw AppError(status: .payloadTooLarge, code: "evidence.tooLarge",
                           message: Self.tooLargeMessage(maxBytes))
        }
        let bytes = Array(body.readableBytesView)
        guard let kind = EvidenceType.detect(Array(bytes.prefix(4096))) else {
            throw AppError(status: .unsupportedMediaType, code: "evidence.typeRefused",
                           message: "不支持的文件类型(按文件内容判断,与扩展名无关):只接受\(EvidenceType.acceptedDescription)")
        }
        let sha = Hex.string(SHA256.hash(data: bytes))
        let target = path(for: sha)
        // Outside the event loop: written to a temporary name, flushed, moved into place,
        // and the directory flushed, so a crash leaves either the whole file or none.
        try await threadPool.runIfActive {
            do {
                try DurableFile.write(bytes, to: target)
            } catch {
                throw AppError(status: .internalServerError, code: "evidence.storeFailed", message: "文件保存失败,请稍后重试")
            }
        }
        return StoredFile(sha256: sha, size: bytes.count, kind: kind, name: cleanName)
    }

    /// Links a stored file to its task (and report) inside the caller's transaction.
    func link(_ stored: StoredFile, taskID: Int, reportID: Int?, on tx: any Database) async throws -> EvidenceLink {
        let file = try await Self.fileRecord(stored, on: tx)
        let link = EvidenceLink()
        link.$file.id = try file.requireID()
        link.$task.id = taskID
        link.$report.id = reportID
        link.originalName = stored.name
        link.isPublic = false
        link.$uploadedBy.id = access.userID
        link.uploadedAt = lifecycle.clock.now()
        try await link.create(on: tx)
        try await Audit.record(on: tx, actor: access.auditActor, action: .evidenceUpload, recordType: "evidence_link",
                               recordID: try link.requireID(), taskID: taskID, before: Optional<String>.none,
                               after: ["name": stored.name, "sha256": stored.sha256, "size": String(stored.size)], now: link.uploadedAt)
        return link
    }

    func publish(linkID: Int, isPublic: Bool) async throws -> EvidenceLink {
        try await lifecycle.db.writeTransaction { tx in
            guard let link = try await EvidenceLink.find(linkID, on: tx),
                  let view = try await TaskView.load(link.$task.id, on: tx), access.canRead(view) else { throw AppError.notFound }
            guard access.isOffice(over: view) else {
                throw AppError(status: .forbidden, code: "evidence.publishForbidden", message: "只有整改办可以公开佐证材料")
            }
            let before = link.isPublic
            link.isPublic = isPublic
            try await link.save(on: tx)
            try await Audit.record(on: tx, actor: access.auditActor, action: isPublic ? .evidencePublish : .evidenceUnpublish,
                                   recordType: "evidence_link", recordID: linkID, taskID: link.$task.id,
                                   before: ["public": before], after: ["public": isPublic], now: lifecycle.clock.now())
            return link
        }
    }
}

extension EvidenceService {
    /// The record of a stored file: one per content, however many things it belongs to.
    static func fileRecord(_ stored: StoredFile, on tx: any Database) async throws -> EvidenceFile {
        if let existing = try await EvidenceFile.query(on: tx).filter(\.$sha256 == stored.sha256).first() { return existing }
        let file = EvidenceFile()
        file.sha256 = stored.sha256
        file.size = stored.size
        file.kind = stored.kind
        try await file.create(on: tx)
        return file
    }

    static func tooLargeMessage(_ maxBytes: Int) -> String { "上传的文件超过大小上限(\(maxBytes / 1024 / 1024) MB),未保存" }
}

enum EvidenceAPI {
    struct Out: Content {
        let id: Int
        let name: String
        let size: Int
        let kind: EvidenceType
        let sha256: String
        let isPublic: Bool
    }

    static func out(_ link: EvidenceLink, on db: any Database) async throws -> Out {
        guard let file = try await EvidenceFile.find(link.$file.id, on: db) else { throw AppError.notFound }
        return Out(id: try link.requireID(), name: link.originalName, size: file.size, kind: file.kind, sha256: file.sha256, isPublic: link.isPublic)
    }

    static func service(_ req: Request) async throws -> EvidenceService {
        guard let config = req.application.rectifyConfig else { throw Abort(.internalServerError) }
        return EvidenceService(lifecycle: try await req.lifecycle(), directory: config.evidenceDirectory,
                               maxBytes: config.evidenceMaxBytes, threadPool: req.application.threadPool)
    }

    static func upload(req: Request) async throws -> Response {
        let name = (try? req.query.get(String.self, at: "name")) ?? ""
        let report = try? req.query.get(Int.self, at: "report")
        let link = try await service(req).upload(taskID: try req.intParameter("id"), name: name, body: req.body.data, reportID: report)
        return try await out(link, on: req.db).encodeResponse(status: .created, for: req)
    }

    static func list(req: Request) async throws -> Paged<Out> {
        let (view, _) = try await req.readableTask(try req.intParameter("id"))
        let links = try await EvidenceLink.query(on: req.db).filter(\.$task.$id == view.id).sort(\.$id).with(\.$file).page(req)
        return Paged(items: links.rows.map {
            Out(id: $0.id!, name: $0.originalName, size: $0.file.size, kind: $0.file.kind, sha256: $0.file.sha256, isPublic: $0.isPublic)
        }, page: links.page, per: links.per, total: links.total)
    }

    struct Publish: Content { var isPublic: Bool }

    static func publish(req: Request) async throws -> Out {
        let body = try req.decodeBody(Publish.self)
        let link = try await service(req).publish(linkID: try req.intParameter("id"), isPublic: body.isPublic)
        return try await out(link, on: req.db)
    }

    /// For users who may see the task.
    static func download(req: Request) async throws -> Response {
        guard let link = try await EvidenceLink.find(try req.intParameter("id"), on: req.db) else { throw AppError.notFound }
        _ = try await req.readableTask(link.$task.id)
        return try await stream(link, req)
    }

    /// For the public: only files the office has published, of tasks past their draft.
    static func publicDownload(req: Request) async throws -> Response {
        guard let link = try await EvidenceLink.find(try req.intParameter("id"), on: req.db), link.isPublic,
              let task = try await TaskRecord.find(link.$task.id, on: req.db), task.state != .draft else {
            throw AppError.notFound
        }
        return try await stream(link, req)
    }

    static func stream(_ link: EvidenceLink, _ req: Request) async throws -> Response {
        try await stream(fileID: link.$file.id, name: link.originalName, req)
    }

    /// A stored file as a download under the name it was uploaded with.
    static func stream(fileID: Int, name: String, _ req: Request) async throws -> Response {
        guard let config = req.application.rectifyConfig,
              let file = try await EvidenceFile.find(fileID, on: req.db) else { throw AppError.notFound }
        let path = "\(config.evidenceDirectory)/\(file.sha256.prefix(2))/\(file.sha256)"
        guard FileManager.default.fileExists(atPath: path) else {
            // The record is there and its file is not: the evidence store is not the one
            // this instance should see (RECTIFY_EVIDENCE_DIR), or it was damaged.
            req.logger.critical("evidence file \(fileID) missing: \(path); is RECTIFY_EVIDENCE_DIR shared by every instance?")
            throw AppError(status: .notFound, code: "evidence.fileMissing",
                           message: "该材料的文件不在材料库中,请联系系统管理员")
        }
        let response = try await req.fileio.asyncStreamFile(at: path)
        response.headers.replaceOrAdd(name: .contentType, value: file.kind.mimeType)
        let encoded = name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "evidence"
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename*=UTF-8''\(encoded)")
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        return response
    }
}
