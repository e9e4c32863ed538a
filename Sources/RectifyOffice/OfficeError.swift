/// Why an Office file could not be read, in words for the person who sent it.
public struct OfficeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable code for programs: `file.notXLSX`, `file.corrupt`, `file.tooLarge`, `file.empty`.
    public let code: String
    public let message: String

    public init(_ code: String, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    static let notXLSX = OfficeError("file.notXLSX", "这不是 Excel 工作簿(.xlsx)文件:请在 Excel 或 WPS 中另存为 .xlsx,或导出为 CSV")
    static func corrupt(_ detail: String) -> OfficeError {
        OfficeError("file.corrupt", "Excel 文件已损坏,无法读取(\(detail)):请用 Excel 或 WPS 打开后重新保存")
    }
}
