import Foundation
import Logging

/// The environment as a dictionary, read once at the edge of the program.
enum ProcessEnvironment {
    static var current: [String: String] { ProcessInfo.processInfo.environment }
}

/// Log lines go to `$XDG_STATE_HOME/pooldesk/pooldesk.log`, never onto the dashboard's screen.
enum SessionLog {
    /// A logger writing to the state directory, or discarding output when that directory cannot be created.
    static func open(environment: [String: String]) -> Logger {
        let path = logPath(environment: environment)
        let handler = FileLogHandler(path: path)
        return Logger(label: "pooldesk") { _ in handler }
    }

    /// `$XDG_STATE_HOME/pooldesk` (default `~/.local/state/pooldesk`), or nil without either variable; not created here.
    static func stateDirectory(environment: [String: String]) -> String? {
        if let state = environment["XDG_STATE_HOME"], !state.isEmpty { return state + "/pooldesk" }
        if let home = environment["HOME"], !home.isEmpty { return home + "/.local/state/pooldesk" }
        return nil
    }

    static func logPath(environment: [String: String]) -> String? {
        guard let directory = stateDirectory(environment: environment) else { return nil }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            return nil
        }
        return directory + "/pooldesk.log"
    }
}

/// A minimal swift-log handler appending one line per message to a file.
struct FileLogHandler: LogHandler {
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info
    private let file: FileHandle?

    init(path: String?) {
        guard let path else {
            file = nil
            return
        }
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
        }
        file = FileHandle(forWritingAtPath: path)
        _ = try? file?.seekToEnd()
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        guard let file else { return }
        let line = "\(Date().ISO8601Format()) \(event.level) \(event.message)\n"
        file.write(Data(line.utf8))
    }
}
