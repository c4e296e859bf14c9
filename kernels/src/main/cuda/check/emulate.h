// emulate.h: runs the .cu kernels on the host, to check their indexing and synchronisation logic
// on machines without a GPU (scripts/gen-ptx.sh --check). Not a performance model.
//
// One std::thread per CUDA thread; the blocks of a grid run one after another, so a
// function-static array stands in for __shared__ memory, and __syncthreads() is a barrier over
// the block's threads. A thread that returns leaves the barrier (arrive_and_drop), as an exited
// thread no longer takes part in bar.sync on the GPU.
#pragma once
#include <barrier>
#include <cmath>
#include <thread>
#include <vector>

struct dim3 {
    unsigned x, y, z;
    dim3(unsigned x_ = 1, unsigned y_ = 1, unsigned z_ = 1) : x(x_), y(y_), z(z_) {}
};

inline thread_local dim3 threadIdx;
inline thread_local dim3 blockIdx;
inline dim3 blockDim;
inline dim3 gridDim;
inline std::barrier<>* emulated_block_barrier = nullptr;

#define __global__
#define __device__
#define __forceinline__ inline
#define __shared__ static

inline void __syncthreads() { emulated_block_barrier->arrive_and_wait(); }

// atomicAdd on floats: one lock for all (the threads of a block run at once).
#include <mutex>
inline std::mutex emulated_atomic_lock;
inline float atomicAdd(float* address, float value) {
    std::lock_guard<std::mutex> guard(emulated_atomic_lock);
    float old = *address;
    *address = old + value;
    return old;
}

using std::isnan;

template <class Kernel, class... Args>
void launch(dim3 grid, dim3 block, Kernel kernel, Args... args) {
    gridDim = grid;
    blockDim = block;
    unsigned threads = block.x * block.y * block.z;
    for (unsigned bz = 0; bz < grid.z; bz++)
        for (unsigned by = 0; by < grid.y; by++)
            for (unsigned bx = 0; bx < grid.x; bx++) {
                std::barrier<> barrier(threads);
                emulated_block_barrier = &barrier;
                std::vector<std::thread> pool;
                pool.reserve(threads);
                for (unsigned t = 0; t < threads; t++) {
                    pool.emplace_back([&, t] {
                        blockIdx = dim3(bx, by, bz);
                        threadIdx = dim3(t % block.x, (t / block.x) % block.y, t / (block.x * block.y));
                        kernel(args...);
                        emulated_block_barrier->arrive_and_drop();
                    });
                }
                for (auto& th : pool) th.join();
            }
}
