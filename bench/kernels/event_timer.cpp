#include "event_timer.h"

#include <algorithm>
#include <vector>

Timing time_launches(CUstream stream, int warmup, int reps, const std::function<void()>& launch_once) {
  for (int i = 0; i < warmup; ++i) launch_once();
  std::vector<CUevent> marks(reps + 1);
  for (CUevent& e : marks) CU(cuEventCreate(&e, CU_EVENT_DEFAULT));
  // Back to back, one event between launches: each interval is one launch, with no host gap.
  CU(cuEventRecord(marks[0], stream));
  for (int i = 0; i < reps; ++i) {
    launch_once();
    CU(cuEventRecord(marks[i + 1], stream));
  }
  CU(cuStreamSynchronize(stream));
  std::vector<double> us(reps);
  for (int i = 0; i < reps; ++i) {
    float ms = 0;
    CU(cuEventElapsedTime(&ms, marks[i], marks[i + 1]));
    us[i] = ms * 1000.0;
  }
  for (CUevent e : marks) cuEventDestroy(e);
  std::sort(us.begin(), us.end());
  return {us[reps / 2], us.front(), us.back(), reps};
}
