// The hold model on std::priority_queue, the baseline for SparkTwin's event queue.
// Same model as `sparktwin bench hold`: N pending events; each step pops the earliest and
// pushes one at its time plus an exponential increment (1 us mean, picoseconds) drawn from
// SplitMix64. Events carry what SparkTwin's do (time, sequence, target, kind, payload) and
// are ordered by (time, sequence), so both queues do the same work.
// Build: g++ -O2 -o hold_cpp hold.cpp    Run: ./hold_cpp N M
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
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
    if (argc < 3) { std::fprintf(stderr, "usage: %s pending events [seed]\n", argv[0]); return 2; }
    const long pending = std::atol(argv[1]);
    const long events = std::atol(argv[2]);
    SplitMix64 rng{argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 1};
    const double mean = 1e6;
    std::vector<Event> storage;
    storage.reserve(pending + 1);
    std::priority_queue<Event, std::vector<Event>, Later> queue(Later(), std::move(storage));
    uint64_t seq = 0;
    for (long i = 0; i < pending; i++) queue.push(Event{uint64_t(rng.exponential(mean)), seq++, 0, 0, 0});
    auto start = std::chrono::steady_clock::now();
    uint64_t checksum = 0;
    for (long i = 0; i < events; i++) {
        Event e = queue.top();
        queue.pop();
        checksum += e.time;
        e.time += uint64_t(rng.exponential(mean));
        e.seq = seq++;
        queue.push(e);
    }
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("pending=%ld events=%ld seconds=%.4f checksum=%llu\n", pending, events, seconds, (unsigned long long)checksum);
    std::printf("events_per_s=%.0f\n", events / seconds);
    return 0;
}
