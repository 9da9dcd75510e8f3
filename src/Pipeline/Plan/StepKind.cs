namespace Pipeline;

/// <summary>What a <see cref="PlanStep"/> does to the element stream; the lint reasons on these.</summary>
public enum StepKind
{
    /// <summary>Produces elements from outside the pipeline (tensors, files, generators).</summary>
    Source,
    /// <summary>One output per input element (<c>Map</c>).</summary>
    Map,
    /// <summary>Drops elements (<c>Filter</c>).</summary>
    Filter,
    /// <summary>Several outputs per input element (<c>FlatMap</c>, <c>Interleave</c>, <c>Unbatch</c>).</summary>
    FlatMap,
    /// <summary>Reorders elements randomly (<c>Shuffle</c>).</summary>
    Shuffle,
    /// <summary>Repeats the input (<c>Repeat</c>).</summary>
    Repeat,
    /// <summary>Groups consecutive elements (<c>Batch</c>, <c>PaddedBatch</c>, <c>Window</c>).</summary>
    Batch,
    /// <summary>Produces elements ahead of the consumer on a background thread (<c>Prefetch</c>).</summary>
    Prefetch,
    /// <summary>Stores elements for later epochs (<c>Cache</c>).</summary>
    Cache,
    /// <summary>Keeps a contiguous part of the stream (<c>Take</c>, <c>Skip</c>, <c>Shard</c>).</summary>
    Slice,
    /// <summary>Combines several datasets (<c>Zip</c>, <c>Concatenate</c>, <c>SampleFromDatasets</c>, ...).</summary>
    Combine,
    /// <summary>Changes how the pipeline runs, not what it yields (<c>WithOptions</c>, <c>Enumerate</c>, <c>Apply</c>).</summary>
    Other,
}
