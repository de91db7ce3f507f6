import Foundation

/// A real `pooldesk serve` process on `journal` (a temporary HOME), and the port from its ready line. Killed with
/// SIGKILL if still running when released.
final class ServeProcess {
    let process = Process()
    let port: Int

    init(journal: String, home: URL, port: Int = 0) throws {
        process.executableURL = try TmuxSession.builtExecutable()
        process.arguments = ["serve", "--listen", "127.0.0.1:\(port)", "--journal", journal, "--log-level", "error", "--speed", "60"]
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = home.path
        environment["XDG_DATA_HOME"] = home.appendingPathComponent("data").path
        environment["XDG_STATE_HOME"] = home.appendingPathComponent("state").path
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var ready = ""
        let deadline = Date().addingTimeInterval(30)
        while !ready.contains("\n"), Date() < deadline {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            ready += String(decoding: chunk, as: UTF8.self)
        }
        // "pooldesk serve: listening on http://127.0.0.1:PORT (journal …)"
        guard let range = ready.range(of: "127.0.0.1:"),
              let bound = Int(ready[range.upperBound...].prefix { $0.isNumber }) else {
            process.terminate()
            throw TmuxSession.Failure("serve did not start: \(ready)")
        }
        self.port = bound
    }

    func killNine() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func stop() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
}
