// The hold model on std::priority_queue, the baseline for SparkTwin's event queue.
// Same model as `sparktwin bench hold`: N pending events; each step pops the earliest and
// pushes one at its time plus an exponential increment (1 us mean, picoseconds) drawn from
// SplitMix64. Events carry what SparkTwin's do (time, sequence, target, kind, payload) and
// are ordered by (time, sequence), so both queues do the same work.
// `table` cycles through 65,536 increments drawn before the timer starts, to time the queue
// alone (as `sparktwin bench hold --increments table`; the checksums still agree).
// Build: g++ -O2 -o hold_cpp hold.cpp    Run: ./hold_cpp N M [seed] [drawn|table]
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <queue>
#include <vector>

struct SplitMix64 {
    uint64_t state;
    uint64_t next() {
        uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    double unit() { return double(next() >> 11) * 0x1.0p-53; }
    double exponential(double mean) { return -std::log(1.0 - unit()) * mean; }
};

struct Event {
    uint64_t time;
    uint64_t seq;
    uint64_t payload;
    uint32_t target;
    uint8_t kind;
};

struct Later {
    bool operator()(const Event& a, const Event& b) const {
        return a.time != b.time ? a.time > b.time : a.seq > b.seq;
    }
};

int main(int argc, char** argv) {
    if (argc < 3) { std::fprintf(stderr, "usage: %s pending events [seed] [drawn|table]\n", argv[0]); return 2; }
    const long pending = std::atol(argv[1]);
    const long events = std::atol(argv[2]);
    const char* source = argc > 4 ? argv[4] : "drawn";
    if (std::strcmp(source, "drawn") != 0 && std::strcmp(source, "table") != 0) {
        std::fprintf(stderr, "increments must be drawn or table, found %s\n", source);
        return 2;
    }
    const bool from_table = std::strcmp(source, "table") == 0;
    const long table_size = 1 << 16;
    SplitMix64 rng{argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 1};
    const double mean = 1e6;
    std::vector<Event> storage;
    storage.reserve(pending + 1);
    std::priority_queue<Event, std::vector<Event>, Later> queue(Later(), std::move(storage));
    uint64_t seq = 0;
    for (long i = 0; i < pending; i++) queue.push(Event{uint64_t(rng.exponential(mean)), seq++, 0, 0, 0});
    uint64_t checksum = 0;
    std::chrono::steady_clock::time_point start;
    if (from_table) {
        std::vector<uint64_t> table(table_size);
        for (auto& increment : table) increment = uint64_t(rng.exponential(mean));
        start = std::chrono::steady_clock::now();
        for (long i = 0; i < events; i++) {
            Event e = queue.top();
            queue.pop();
            checksum += e.time;
            e.time += table[i & (table_size - 1)];
            e.seq = seq++;
            queue.push(e);
        }
    } else {
        start = std::chrono::steady_clock::now();
        for (long i = 0; i < events; i++) {
            Event e = queue.top();
            queue.pop();
            checksum += e.time;
            e.time += uint64_t(rng.exponential(mean));
            e.seq = seq++;
            queue.push(e);
        }
    }
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("pending=%ld events=%ld increments=%s seconds=%.4f checksum=%llu\n", pending, events,
                from_table ? "table" : "drawn", seconds, (unsigned long long)checksum);
    std::printf("events_per_s=%.0f\n", events / seconds);
    return 0;
}
