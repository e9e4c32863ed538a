import Fluent
import Vapor
import RectifyCore

/// JSON under /api/v1 (issue 3 §13). Sessions or `Authorization: Bearer <token>`;
/// errors are always `{"code": "...", "message": "..."}`.
func apiRoutes(_ app: Application) {
    let api = app.grouped("api", "v1").grouped(TokenAuthenticator()).grouped(LoginRequiredMiddleware()).grouped(APICSRFMiddleware())
    api.get("session", use: SessionController.current)

    api.get("tasks", use: TaskAPI.list)
    api.get("tasks", "export.csv", use: LedgerExportAPI.csv)
    api.get("tasks", "export.xlsx", use: LedgerExportAPI.xlsx)
    api.get("tasks", ":id", use: TaskAPI.detail)
    api.get("tasks", ":id", "timeline", use: TaskAPI.timeline)
    api.patch("tasks", ":id", use: TaskAPI.edit)
    api.post("tasks", ":id", "actions", ":action", use: TaskAPI.act)
    api.post("tasks", ":id", "reports", use: TaskAPI.submitReport)
    api.post("tasks", ":id", "extensions", use: TaskAPI.requestExtension)
    api.post("tasks", ":id", "verifications", use: TaskAPI.verification)
    api.post("tasks", ":id", "lookbacks", use: TaskAPI.lookBack)
    api.post("tasks", ":id", "instructions", use: TaskAPI.instruction)
    api.post("notices", ":id", "objections", use: TaskAPI.objection)
    api.post("objections", ":id", "answer", use: TaskAPI.answerObjection)
    api.post("reports", ":id", "review", use: TaskAPI.reviewReport)
    api.post("extensions", ":id", "decision", use: TaskAPI.decideExtension)

    api.post("rounds", use: RoundAPI.open)
    api.get("rounds", ":id", use: RoundAPI.show)
    api.post("rounds", ":id", "close", use: RoundAPI.close)

    api.post("orders", use: OrderAPI.issue)
    api.get("orders", "suggestions", use: OrderAPI.suggestions)
    api.post("orders", ":id", "reply", use: OrderAPI.reply)
    api.post("orders", ":id", "close", use: OrderAPI.close)

    api.get("inspections", ":id", "report", use: OfficialReportAPI.show)
    let fileLimit = ByteCount(value: LedgerImport.maxFileBytes)
    api.on(.POST, "inspections", ":id", "ledger", "preview", body: .collect(maxSize: fileLimit), use: ImportAPI.preview)
        .tooLarge(LedgerImport.maxFileBytes, LedgerImport.tooLargeMessage)
    api.on(.POST, "inspections", ":id", "ledger", "import", body: .collect(maxSize: fileLimit), use: ImportAPI.apply)
        .tooLarge(LedgerImport.maxFileBytes, LedgerImport.tooLargeMessage)
    api.on(.POST, "report-drafts", body: .collect(maxSize: fileLimit), use: ImportAPI.draft)
        .tooLarge(LedgerImport.maxFileBytes, "报告文本超过 20 MB,未识别")
    api.post("inspections", "from-report", use: ImportAPI.createFromReport)
    api.get("dashboard", "counts", use: DashboardAPI.counts)
    api.get("flags", "unclaimed", use: DashboardAPI.unclaimed)
    api.get("settings", use: DashboardAPI.settings)
    api.put("settings", use: DashboardAPI.updateSettings)
    api.get("lookbacks", "due", use: TaskAPI.dueLookBacks)

    let maxBytes = app.rectifyConfig?.evidenceMaxBytes ?? 50 * 1024 * 1024
    api.on(.POST, "tasks", ":id", "evidence", body: .collect(maxSize: ByteCount(value: maxBytes)), use: EvidenceAPI.upload)
        .tooLarge(maxBytes, EvidenceService.tooLargeMessage(maxBytes), code: "payloadTooLarge")
    api.get("tasks", ":id", "evidence", use: EvidenceAPI.list)
    api.get("evidence", ":id", use: EvidenceAPI.download)
    api.post("evidence", ":id", "publish", use: EvidenceAPI.publish)
    app.get("public", "evidence", ":id", use: EvidenceAPI.publicDownload)

    api.get("tokens", use: TokenAPI.list)
    api.post("tokens", use: TokenAPI.create)
    api.delete("tokens", ":id", use: TokenAPI.revoke)
}

extension Request {
    func intParameter(_ name: String) throws -> Int {
        guard let value = parameters.get(name, as: Int.self) else { throw AppError.notFound }
        return value
    }

    func decodeBody<T: Decodable>(_ type: T.Type) throws -> T {
        do {
            return try content.decode(type)
        } catch {
            throw AppError(status: .badRequest, code: "badRequest", message: "请求内容无法识别:\(Request.describe(error))")
        }
    }

    static func describe(_ error: any Error) -> String {
        guard let e = error as? DecodingError else { return "格式不对" }
        func path(_ c: DecodingError.Context) -> String { c.codingPath.map(\.stringValue).joined(separator: ".") }
        switch e {
        case .keyNotFound(let key, _): return "缺少字段 \(key.stringValue)"
        case .typeMismatch(_, let c), .valueNotFound(_, let c): return "字段 \(path(c)) 的类型不对"
        case .dataCorrupted(let c): return path(c).isEmpty ? c.debugDescription : "字段 \(path(c)) 的值不对:\(c.debugDescription)"
        @unknown default: return "格式不对"
        }
    }

    func lifecycle() async throws -> LifecycleService {
        LifecycleService(db: db, access: try await access(), clock: application.clock)
    }
}
