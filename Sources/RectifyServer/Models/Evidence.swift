import Fluent
import Foundation
import RectifyCore

final class EvidenceFile: Model, @unchecked Sendable {
    static let schema = "evidence_files"

    @ID(custom: .id) var id: Int?
    @Field(key: "sha256") var sha256: String
    @Field(key: "size") var size: Int
    @Field(key: "kind") var kind: EvidenceType
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

final class EvidenceLink: Model, @unchecked Sendable {
    static let schema = "evidence_links"

    @ID(custom: .id) var id: Int?
    @Parent(key: "file_id") var file: EvidenceFile
    @Parent(key: "task_id") var task: TaskRecord
    @OptionalParent(key: "report_id") var report: ProgressReport?
    @Field(key: "original_name") var originalName: String
    @Field(key: "public") var isPublic: Bool
    @Parent(key: "uploaded_by") var uploadedBy: User
    @Field(key: "uploaded_at") var uploadedAt: Date

    init() {}
}
