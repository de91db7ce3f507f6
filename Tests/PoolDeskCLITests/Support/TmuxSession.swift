import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A detached tmux session on a private server, running one command in a fixed-size pane.
///
/// End-to-end tests drive the real `pooldesk` binary through it: type keys, read the screen,
/// resize, and read the exit status after the program ends (the pane stays with `remain-on-exit`).
/// Each session has its own tmux server and socket, so tests never touch the user's tmux and may
/// run in parallel.
final class TmuxSession {
    /// A failure of the harness itself, worded so the test log says what to fix.
    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// How a dead pane's process ended.
    enum Termination: Equatable, CustomStringConvertible {
        case exited(Int32)
        case signaled(Int32)

        var description: String {
            switch self {
            case .exited(let status): return "exit status \(status)"
            case .signaled(let signal): return "killed by signal \(signal)"
            }
        }
    }

    /// The private tmux server's socket (`tmux -S`), inside ``homeDirectory`` so cleanup removes it.
    let socketPath: String
    /// The session (and target) name.
    let sessionName: String
    /// A fresh directory that XDG_STATE_HOME/XDG_DATA_HOME/XDG_CONFIG_HOME point into; removed by ``kill()``.
    let homeDirectory: URL
    /// The tmux executable in use.
    let tmuxPath: String

    private var killed = false
    /// Numbers sessions within this process; with the pid it makes socket names unique.
    private static let counter = Atomic<Int>(0)

    /// Starts `command` (argv, run directly without a shell) in a `width`×`height` pane.
    ///
    /// The pane gets `TERM=xterm-256color`, `LANG=C.UTF-8` and XDG directories inside
    /// ``homeDirectory``; `environment` adds or overrides variables. Throws when tmux is missing.
    init(
        command: [String], width: Int = 120, height: Int = 40,
        environment: [String: String] = [:], workingDirectory: URL? = nil
    ) throws {
        tmuxPath = try Self.tmuxExecutable()
        let number = Self.counter.add(1, ordering: .relaxed).newValue
        let pid = ProcessInfo.processInfo.processIdentifier
        sessionName = "pd\(number)"
        homeDirectory = FileManager.default.temporaryDirectory
            .appendingPathComponent("pooldesk-tmux-\(pid)-\(number)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: homeDirectory, withIntermediateDirectories: true)
        socketPath = homeDirectory.appendingPathComponent("tmux.sock").path

        // Options must be in force before the command can exit, so they go in the server's config
        // file: remain-on-exit keeps the dead pane for its exit status; no status line keeps the
        // pane exactly width×height. (tmux 3.3a's server dies on `window-size` or `escape-time` in
        // a startup config; resize-window switches the window to manual sizing by itself.)
        let config = homeDirectory.appendingPathComponent("tmux.conf")
        try """
            set -g remain-on-exit on
            set -g status off
            set -g default-terminal xterm-256color
            set -g history-limit 0

            """.write(to: config, atomically: true, encoding: .utf8)

        var variables = [
            "TERM": "xterm-256color",
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "XDG_STATE_HOME": homeDirectory.appendingPathComponent("state").path,
            "XDG_DATA_HOME": homeDirectory.appendingPathComponent("data").path,
            "XDG_CONFIG_HOME": homeDirectory.appendingPathComponent("config").path,
            "HOME": homeDirectory.path,
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
        ]
        variables.merge(environment) { _, new in new }
        // `env -i` keeps the developer's environment (COLORTERM, NO_COLOR, …) out of the test;
        // it execs the command, so the pane's exit status is the command's own.
        let envArguments = variables.keys.sorted().map { "\($0)=\(variables[$0] ?? "")" }
        var arguments = ["-f", config.path, "new-session", "-d", "-s", sessionName,
                         "-x", String(width), "-y", String(height)]
        if let workingDirectory { arguments += ["-c", workingDirectory.path] }
        arguments += ["/usr/bin/env", "-i"] + envArguments + command
        do {
            _ = try run(arguments)
        } catch {
            try? FileManager.default.removeItem(at: homeDirectory)
            throw error
        }
    }

    deinit {
        kill()
    }

    // MARK: - Driving the pane

    /// Sends tmux key names, one key each: `"Enter"`, `"Escape"`, `"C-c"`, `"BTab"`, `"Up"`, `"F5"`, `"q"`.
    func sendKeys(_ keys: String...) throws {
        _ = try run(["send-keys", "-t", sessionName] + keys)
    }

    /// Types `text` literally (`send-keys -l`): no key-name lookup, so "Enter" is five letters.
    func sendText(_ text: String) throws {
        _ = try run(["send-keys", "-t", sessionName, "-l", "--", text])
    }

    /// The visible screen as text, one line per row (tmux trims trailing spaces).
    /// `withEscapes` keeps SGR color/attribute sequences (`capture-pane -e`).
    /// Pastes `text` the way a terminal does: `paste-buffer -p` wraps it in bracketed-paste markers when the
    /// program turned that mode on (as a real terminal emulator would), and sends it bare otherwise.
    func paste(_ text: String) throws {
        _ = try run(["set-buffer", "-b", "pdpaste", "--", text])
        _ = try run(["paste-buffer", "-p", "-d", "-b", "pdpaste", "-t", sessionName])
    }

    func capture(withEscapes: Bool = false) throws -> String {
        try run(["capture-pane", "-p", "-t", sessionName] + (withEscapes ? ["-e"] : []))
    }

    /// Polls the screen until it contains `text`; false after `timeout` seconds.
    func waitFor(_ text: String, timeout: TimeInterval = 10) -> Bool {
        waitUntil(timeout: timeout) { $0.contains(text) }
    }

    /// Polls the screen until `condition` holds for it; false after `timeout` seconds.
    func waitUntil(timeout: TimeInterval = 10, _ condition: (String) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        repeat {
            if let screen = try? capture(), condition(screen) { return true }
            Thread.sleep(forTimeInterval: 0.05)
        } while Date() < deadline
        return false
    }

    /// Resizes the window (and so the pane); the program receives SIGWINCH. tmux pins the
    /// window to this size (window-size manual), which is what a detached session needs.
    func resize(width: Int, height: Int) throws {
        _ = try run(["resize-window", "-t", sessionName, "-x", String(width), "-y", String(height)])
    }

    /// Expands a tmux format for the pane, e.g. `"#{alternate_on} #{cursor_flag}"` to check that the
    /// program left the alternate screen and showed the cursor again.
    func display(_ format: String) throws -> String {
        try run(["display-message", "-p", "-t", sessionName, format])
            .trimmingCharacters(in: .newlines)
    }

    /// The pane's current size as tmux sees it.
    func paneSize() throws -> (width: Int, height: Int) {
        let fields = try run(["display-message", "-p", "-t", sessionName, "#{pane_width} #{pane_height}"])
            .split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        guard fields.count == 2 else { throw Failure("tmux did not report the pane size") }
        return (fields[0], fields[1])
    }

    /// The pane's process id (to send it signals), nil once it has exited.
    func processID() throws -> Int32? {
        guard isAlive else { return nil }
        return Int32(try run(["display-message", "-p", "-t", sessionName, "#{pane_pid}"])
            .trimmingCharacters(in: .whitespacesAndNewlines))
    }

    // MARK: - Exit

    /// True while the command is still running.
    var isAlive: Bool {
        do {
            return try termination() == nil
        } catch {
            return false
        }
    }

    /// How the command ended, or nil while it still runs.
    func termination() throws -> Termination? {
        let fields = try run(["display-message", "-p", "-t", sessionName,
                              "#{pane_dead}|#{pane_dead_status}|#{pane_dead_signal}"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
            .split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 3 else { throw Failure("unexpected tmux pane status: \(fields)") }
        guard fields[0] == "1" else { return nil }
        if let signal = Int32(fields[2]), signal != 0 { return .signaled(signal) }
        if let status = Int32(fields[1]) { return .exited(status) }
        throw Failure("tmux reported a dead pane without status: \(fields)")
    }

    /// The exit status, when the command exited normally; nil while running or if it was killed by a signal.
    var exitStatus: Int32? {
        if case .exited(let status)? = try? termination() { return status }
        return nil
    }

    /// Waits up to `timeout` seconds for the command to end and reports how it did.
    func waitForExit(timeout: TimeInterval = 10) -> Termination? {
        let deadline = Date().addingTimeInterval(timeout)
        repeat {
            if let ended = try? termination() { return ended }
            Thread.sleep(forTimeInterval: 0.05)
        } while Date() < deadline
        return nil
    }

    /// Stops the private tmux server and deletes ``homeDirectory``; idempotent, also run by deinit.
    func kill() {
        guard !killed else { return }
        killed = true
        _ = try? run(["kill-server"])
        try? FileManager.default.removeItem(at: homeDirectory)
    }

    // MARK: - Locating programs

    /// The tmux executable, or a failure telling the developer to install it (tests must not skip).
    static func tmuxExecutable() throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let candidates = path.split(separator: ":").map { "\($0)/tmux" } + ["/usr/bin/tmux", "/usr/local/bin/tmux", "/opt/homebrew/bin/tmux"]
        if let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) {
            return found
        }
        throw Failure("tmux is not installed: the terminal end-to-end tests need it (apt-get install tmux / brew install tmux)")
    }

    /// The built `name` executable (default `pooldesk`): `$POOLDESK_BINARY` if set, else the
    /// build directory holding this test bundle, else `<package>/.build/debug/`.
    static func builtExecutable(named name: String = "pooldesk", filePath: String = #filePath) throws -> URL {
        let fileManager = FileManager.default
        if let override = ProcessInfo.processInfo.environment["POOLDESK_BINARY"], !override.isEmpty {
            guard fileManager.isExecutableFile(atPath: override) else {
                throw Failure("POOLDESK_BINARY=\(override) is not an executable file")
            }
            return URL(fileURLWithPath: override)
        }
        var directories: [URL] = []
        // Linux: the test runner is `<build>/debug/<Package>PackageTests.xctest` (an executable);
        // macOS: a bundle in the same directory. Either way its folder holds the products.
        if let executable = Bundle.main.executableURL {
            directories.append(executable.deletingLastPathComponent())
        }
        for bundle in [Bundle.main] + Bundle.allBundles where bundle.bundleURL.pathExtension == "xctest" {
            directories.append(bundle.bundleURL.deletingLastPathComponent())
        }
        // Tests/PoolDeskCLITests/Support/TmuxSession.swift -> package root.
        let packageRoot = URL(fileURLWithPath: filePath)
            .deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        directories.append(packageRoot.appendingPathComponent(".build/debug"))
        for directory in directories {
            let candidate = directory.appendingPathComponent(name)
            if fileManager.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw Failure("cannot find the built \(name) binary (looked in \(directories.map(\.path).joined(separator: ", "))); run `swift build` or set POOLDESK_BINARY")
    }

    // MARK: - Running tmux

    @discardableResult
    private func run(_ arguments: [String]) throws -> String {
        try Self.runTmux(tmuxPath, ["-S", socketPath] + arguments)
    }

    /// Runs one tmux client command and returns its stdout.
    ///
    /// posix_spawn rather than Foundation's `Process`: the first command forks the tmux server,
    /// which inherits the client's descriptors. On Linux `Process` watches the child through an
    /// inherited socket and its stdout through pipes, so both would wait for the long-lived server.
    /// Output goes to files, and every descriptor above stderr is closed in the child.
    private static func runTmux(_ tmux: String, _ arguments: [String]) throws -> String {
        // A test run inside tmux must not talk to the user's server through $TMUX.
        var environment = ProcessInfo.processInfo.environment
        environment["TMUX"] = nil
        environment["TMUX_PANE"] = nil

        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("pooldesk-tmux-io-\(UUID().uuidString)")
        let outputPath = scratch.path + ".out"
        let errorPath = scratch.path + ".err"
        defer {
            unlink(outputPath)
            unlink(errorPath)
        }

        #if canImport(Darwin)
        var actions: posix_spawn_file_actions_t?
        #else
        var actions = posix_spawn_file_actions_t()
        #endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        #if canImport(Glibc)
        // glibc >= 2.34 has closefrom for spawn, but Swift's Glibc module does not export it.
        typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") {
            _ = unsafeBitCast(symbol, to: AddCloseFrom.self)(&actions, 3)
        }
        #endif

        #if canImport(Darwin)
        var attributes: posix_spawnattr_t?
        #else
        var attributes = posix_spawnattr_t()
        #endif
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The test runner blocks or ignores some signals; the tmux server (and so the program
        // under test) would inherit that, and e.g. an ignored SIGCHLD loses the pane's exit status.
        var noSignals = sigset_t()
        var allSignals = sigset_t()
        sigemptyset(&noSignals)
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        var flags = Int32(POSIX_SPAWN_SETSIGMASK) | Int32(POSIX_SPAWN_SETSIGDEF)
        #if canImport(Darwin)
        // Darwin's equivalent of closefrom: only descriptors named in the file actions survive.
        flags |= Int32(POSIX_SPAWN_CLOEXEC_DEFAULT)
        #endif
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let argv = ([tmux] + arguments).map { strdup($0) }
        let envp = environment.map { strdup("\($0.key)=\($0.value)") }
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, tmux, &actions, &attributes, argv + [nil], envp + [nil])
        guard spawned == 0 else {
            throw Failure("cannot run \(tmux): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else { throw Failure("waitpid for tmux failed: \(String(cString: strerror(errno)))") }
        }
        // WIFEXITED/WEXITSTATUS are macros Swift cannot import.
        let exitedNormally = status & 0x7F == 0
        let exitCode = (status >> 8) & 0xFF

        let output = (try? Data(contentsOf: URL(fileURLWithPath: outputPath))) ?? Data()
        guard exitedNormally, exitCode == 0 else {
            let errorData = (try? Data(contentsOf: URL(fileURLWithPath: errorPath))) ?? Data()
            let message = String(decoding: errorData, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            let outcome = exitedNormally ? "exit status \(exitCode)" : "signal \(status & 0x7F)"
            throw Failure("tmux \(arguments.joined(separator: " ")) failed (\(outcome)): \(message)")
        }
        return String(decoding: output, as: UTF8.self)
    }
}
