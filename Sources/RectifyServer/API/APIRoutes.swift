import Fluent
import Vapor
import RectifyCore

/// JSON under /api/v1 (issue 3 §13, issue 11 §2–3). Sessions or `Authorization: Bearer
/// <token>`; errors are always `{"code": "...", "message": "..."}`; lists are always
/// `{"items", "page", "per", "total"}`. Every route is an `APIOperation`, so the OpenAPI
/// document at /api/v1/openapi.json lists exactly what is registered here.
func apiRoutes(_ app: Application) {
    app.on(.openAPI, use: OpenAPIDocument.serve)
    let api = app.grouped(TokenAuthenticator()).grouped(LoginRequiredMiddleware()).grouped(APICSRFMiddleware())
    api.on(.session, use: SessionController.current)

    api.on(.tasks, use: TaskAPI.list)
    api.on(.tasksCSV, use: LedgerExportAPI.csv)
    api.on(.tasksXLSX, use: LedgerExportAPI.xlsx)
    api.on(.task, use: TaskAPI.detail)
    api.on(.taskTimeline, use: TaskAPI.timeline)
    api.on(.taskEdit, use: TaskAPI.edit)
    api.on(.taskAct, use: TaskAPI.act)
    api.on(.taskSubtasks, use: TaskAPI.split)
    api.on(.taskLineage, use: TaskAPI.lineage)
    api.on(.problemLinks, use: TaskAPI.linkProblem)
    api.on(.taskReports, use: TaskAPI.submitReport)
    api.on(.taskExtensions, use: TaskAPI.requestExtension)
    api.on(.taskVerifications, use: TaskAPI.verification)
    api.on(.taskLookBacks, use: TaskAPI.lookBack)
    api.on(.taskInstructions, use: TaskAPI.instruction)
    api.on(.noticeObjections, use: TaskAPI.objection)
    api.on(.objectionAnswer, use: TaskAPI.answerObjection)
    api.on(.reportReview, use: TaskAPI.reviewReport)
    api.on(.extensionDecision, use: TaskAPI.decideExtension)
    api.on(.lookBacksDue, use: TaskAPI.dueLookBacks)

    let maxBytes = app.rectifyConfig?.evidenceMaxBytes ?? 50 * 1024 * 1024
    api.on(.taskEvidenceUpload, maxBytes: maxBytes, use: EvidenceAPI.upload)
        .tooLarge(maxBytes, EvidenceService.tooLargeMessage(maxBytes), code: "payloadTooLarge")
    api.on(.taskEvidence, use: EvidenceAPI.list)
    api.on(.evidence, use: EvidenceAPI.download)
    api.on(.evidencePublish, use: EvidenceAPI.publish)
    app.get(SiteURL.publicEvidence(0).pathComponents, use: EvidenceAPI.publicDownload)

    api.on(.rounds, use: RoundAPI.list)
    api.on(.roundOpen, use: RoundAPI.open)
    api.on(.round, use: RoundAPI.show)
    api.on(.roundClose, use: RoundAPI.close)
    api.on(.orders, use: OrderAPI.list)
    api.on(.orderIssue, use: OrderAPI.issue)
    api.on(.orderSuggestions, use: OrderAPI.suggestions)
    api.on(.orderReply, use: OrderAPI.reply)
    api.on(.orderClose, use: OrderAPI.close)

    api.on(.inspections, use: InspectionAPI.list)
    api.on(.inspection, use: InspectionAPI.show)
    api.on(.inspectionReport, use: OfficialReportAPI.show)
    api.on(.inspectionChain, use: InspectionAPI.chain)
    api.on(.inspectionChainSet, use: InspectionAPI.setChain)
    api.on(.acceptanceDocument, use: TaskAPI.acceptanceDocument)
    api.on(.ledgerPreview, maxBytes: LedgerImport.maxFileBytes, use: ImportAPI.preview)
        .tooLarge(LedgerImport.maxFileBytes, LedgerImport.tooLargeMessage)
    api.on(.ledgerImport, maxBytes: LedgerImport.maxFileBytes, use: ImportAPI.apply)
        .tooLarge(LedgerImport.maxFileBytes, LedgerImport.tooLargeMessage)
    api.on(.reportDrafts, maxBytes: LedgerImport.maxFileBytes, use: ImportAPI.draft)
        .tooLarge(LedgerImport.maxFileBytes, "报告文本超过 20 MB,未识别")
    api.on(.inspectionFromReport, use: ImportAPI.createFromReport)

    api.on(.dashboardCounts, use: DashboardAPI.counts)
    api.on(.unclaimed, use: DashboardAPI.unclaimed)
    api.on(.settings, use: DashboardAPI.settings)
    api.on(.settingsUpdate, use: DashboardAPI.updateSettings)

    api.on(.units, use: ReferenceAPI.units)
    api.on(.regions, use: ReferenceAPI.regions)
    api.on(.users, use: ReferenceAPI.users)

    api.on(.notifications, use: NotificationAPI.list)
    api.on(.notificationCount, use: NotificationAPI.count)
    api.on(.notificationRead, use: NotificationAPI.read)
    api.on(.notificationsReadAll, use: NotificationAPI.readAll)
    api.on(.channels, use: ChannelAPI.list)
    api.on(.channelCreate, use: ChannelAPI.create)
    api.on(.channelActive, use: ChannelAPI.setActive)
    api.on(.channelDeliveries, use: ChannelAPI.deliveries)
    api.on(.schedulerRuns, use: SchedulerAPI.runs)

    api.on(.petitionBatches, use: PetitionAPI.listBatches)
    api.on(.petitionBatchCreate, use: PetitionAPI.createBatch)
    api.on(.petitionBatch, use: PetitionAPI.batch)
    api.on(.petitionHandlingList, use: HandlingListExport.download)
    api.on(.petitionImportPreview, maxBytes: LedgerImport.maxFileBytes, use: PetitionImport.previewRoute)
        .tooLarge(LedgerImport.maxFileBytes, LedgerImport.tooLargeMessage)
    api.on(.petitionImport, maxBytes: LedgerImport.maxFileBytes, use: PetitionImport.applyRoute)
        .tooLarge(LedgerImport.maxFileBytes, LedgerImport.tooLargeMessage)
    api.on(.petitionCases, use: PetitionAPI.list)
    api.on(.petitionCaseCreate, use: PetitionAPI.create)
    api.on(.petitionCase, use: PetitionAPI.detail)
    api.on(.petitionProgress, use: PetitionAPI.progress)
    api.on(.petitionLink, use: PetitionAPI.link)

    api.on(.accountabilityCases, use: AccountabilityAPI.list)
    api.on(.accountabilityCounts, use: AccountabilityAPI.countsRoute)
    api.on(.accountabilityCase, use: AccountabilityAPI.detail)
    api.on(.accountabilityCreate, use: AccountabilityAPI.create)
    api.on(.accountabilityPerson, use: AccountabilityAPI.addPerson)

    api.on(.plans, use: PlanAPI.list)
    api.on(.planCreate, use: PlanAPI.create)
    api.on(.planDocumentUpload, maxBytes: maxBytes, use: PlanAPI.attach)
        .tooLarge(maxBytes, EvidenceService.tooLargeMessage(maxBytes), code: "payloadTooLarge")
    api.on(.planDocument, use: PlanAPI.document)
    api.on(.taskWithdrawal, use: PlanAPI.withdraw)
    api.on(.indicators, use: IndicatorAPI.list)
    api.on(.indicatorCreate, use: IndicatorAPI.create)
    api.on(.indicatorTarget, use: IndicatorAPI.setTarget)
    api.on(.indicatorValues, use: IndicatorAPI.values)
    api.on(.indicatorValueRecord, use: IndicatorAPI.record)
    api.on(.indicatorRanking, use: IndicatorAPI.ranking)
    api.on(.indicatorImportPreview, maxBytes: LedgerImport.maxFileBytes, use: IndicatorImport.previewRoute)
    api.on(.indicatorImport, maxBytes: LedgerImport.maxFileBytes, use: IndicatorImport.applyRoute)
    api.on(.indicatorExport, use: IndicatorExport.download)

    api.on(.tokens, use: TokenAPI.list)
    api.on(.tokenCreate, use: TokenAPI.create)
    api.on(.tokenRevoke, use: TokenAPI.revoke)
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
