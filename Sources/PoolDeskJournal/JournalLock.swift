import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one-writer rule for a session: an exclusive `flock` on the sidecar `<journal>.lock`, taken before a journal
/// is created or resumed for writing and held as long as the `SessionJournal` lives (normally the process).
///
/// Two writers on one file interleave their sequence numbers and checkpoints and break the chain, so the second
/// is refused with the holder's pid, which the holder writes into the lock file. The kernel drops a `flock` when
/// the last descriptor closes, including when the process is killed, so a crash never leaves a session locked.
/// A stale lock file without a lock on it means nothing: only the lock counts. The file is left in place, as
/// removing it would let a third process lock a new file while a second still holds the old one.
final class JournalLock {
    /// The lock file (`<journal>.lock`).
    let path: String
    private let descriptor: Int32

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// Takes the write lock of the journal at `journal`, or throws `session PATH is in use by process N`.
    static func acquire(journal: String) throws -> JournalLock {
        let path = journal + ".lock"
        let folder = URL(fileURLWithPath: journal).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw JournalError("\(journal): cannot create its folder (\(error.localizedDescription))")
        }
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw JournalError("\(journal): cannot open the lock file \(path) (\(String(cString: strerror(errno))))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            defer { close(descriptor) }
            if code == EWOULDBLOCK {
                let holder = holderPID(descriptor).map { "process \($0)" } ?? "another process"
                throw JournalError("session \(journal) is in use by \(holder)")
            }
            throw JournalError("\(journal): cannot lock \(path) (\(String(cString: strerror(code))))")
        }
        // Ours now: record who holds it, for the message the next writer gets.
        let text = Array("\(getpid())\n".utf8)
        let written = text.withUnsafeBytes { buffer in
            ftruncate(descriptor, 0) == 0 ? pwrite(descriptor, buffer.baseAddress, buffer.count, 0) : -1
        }
        if written != text.count {
            close(descriptor)
            throw JournalError("\(journal): cannot write the lock file \(path) (\(String(cString: strerror(errno))))")
        }
        return JournalLock(path: path, descriptor: descriptor)
    }

    /// The pid in the lock file; the holder writes it just after locking, so an empty file is read again briefly.
    private static func holderPID(_ descriptor: Int32) -> Int32? {
        for _ in 0..<50 {
            var buffer = [UInt8](repeating: 0, count: 32)
            let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0, let pid = Int32(String(decoding: buffer.prefix(count), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) {
                return pid
            }
            usleep(10_000)
        }
        return nil
    }
}

extension JournalLock {
    /// Whether some process holds the lock of the journal at `journal` now (see `SessionJournal.isInUse`).
    static func isHeld(journal: String) -> Bool {
        let descriptor = open(journal + ".lock", O_RDWR | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else { return errno == EWOULDBLOCK }
        _ = flock(descriptor, LOCK_UN)
        return false
    }
}

extension SessionJournal {
    /// Whether some process (a server, a dashboard, `sim`) holds the write lock of the journal at `path` now: probed
    /// with a non-blocking lock that is released at once. False when there is no lock file. Another process may take
    /// or drop the lock right after, so this only chooses a path; opening the journal still takes the lock for real.
    public static func isInUse(_ path: String) -> Bool {
        JournalLock.isHeld(journal: path)
    }
}
