import { useMutation, useQuery, useQueryClient, type Query } from '@tanstack/react-query'
import { isFinished, type JobStatusResponse } from './view'

/** How often a page asks about a job that is not finished yet: often at first (most jobs end within a second), then every second. */
export const JOB_POLL_INTERVAL_MS = 1000
export const JOB_FIRST_POLL_INTERVAL_MS = 200
const FIRST_POLLS = 10

export function jobQueryKey(jobId: string | null) {
  return ['generation', jobId] as const
}

/** A refused status or cancel request; `status` is the HTTP status. */
export class JobRequestError extends Error {
  constructor(readonly status: number) {
    super(`Generation request failed with HTTP ${status}`)
    this.name = 'JobRequestError'
  }

  /** 4xx other than 408/429: asking again gives the same answer (gone, not yours, cannot cancel). */
  get isFinal(): boolean {
    return this.status >= 400 && this.status < 500 && this.status !== 408 && this.status !== 429
  }
}

async function readJobStatus(response: Response): Promise<JobStatusResponse> {
  if (!response.ok) throw new JobRequestError(response.status)
  const body = (await response.json()) as Partial<JobStatusResponse> | null
  if (!body || typeof body.job?.id !== 'string' || typeof body.balance !== 'number') {
    throw new TypeError('Generation status response has no job')
  }
  return body as JobStatusResponse
}

export async function fetchJobStatus(jobId: string, signal?: AbortSignal): Promise<JobStatusResponse> {
  const response = await fetch(`/api/generations/${encodeURIComponent(jobId)}`, {
    credentials: 'same-origin',
    headers: { Accept: 'application/json' },
    signal,
  })
  return readJobStatus(response)
}

function finished(query: Query<JobStatusResponse, Error, JobStatusResponse, ReturnType<typeof jobQueryKey>>) {
  const data = query.state.data
  return data !== undefined && isFinished(data.job.status)
}

/**
 * The status of one generation, asked for every 200 ms for the first two
 * seconds and then every second until it is finished
 * (done, failed or canceled), then never again. `initial` is the loader's
 * copy, so the first paint needs no request.
 */
export function useJobStatus(jobId: string | null, initial?: JobStatusResponse) {
  return useQuery({
    queryKey: jobQueryKey(jobId),
    queryFn: ({ signal }) => fetchJobStatus(jobId!, signal),
    enabled: jobId !== null,
    initialData: initial && initial.job.id === jobId ? initial : undefined,
    // A finished job never changes again; an unfinished one is stale at once.
    staleTime: (query) => (finished(query) ? Infinity : 0),
    refetchInterval: (query) => {
      if (finished(query)) return false
      const error = query.state.error
      if (error instanceof JobRequestError && error.isFinal) return false
      return query.state.dataUpdateCount < FIRST_POLLS ? JOB_FIRST_POLL_INTERVAL_MS : JOB_POLL_INTERVAL_MS
    },
    retry: (failureCount, error) => !(error instanceof JobRequestError && error.isFinal) && failureCount < 3,
  })
}

/**
 * Cancels a queued generation. The answer is the job's new status, which
 * replaces the cached one, so every view of the job updates at once.
 */
export function useCancelJob() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: async (jobId: string) => {
      const response = await fetch(`/api/generations/${encodeURIComponent(jobId)}/cancel`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { Accept: 'application/json' },
        // A form body, as the no-JavaScript cancel form sends, so the same action reads both.
        body: new URLSearchParams({ intent: 'cancel' }),
      })
      return readJobStatus(response)
    },
    onSuccess: (data) => {
      queryClient.setQueryData(jobQueryKey(data.job.id), data)
    },
  })
}
