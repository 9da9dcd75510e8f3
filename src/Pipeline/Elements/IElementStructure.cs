namespace Pipeline;

/// <summary>
/// An element made of other values (tf.nest's "structure"): what the pipeline needs to know to dispose the parts of it
/// a step consumes. Implement <see cref="IElementStructure{TSelf}"/> to make the type batch, unbatch, pad and cache
/// like the built-in tuples and dictionaries.
/// </summary>
/// <remarks>
/// <para><b>Ownership rule</b> (the same for tensors, tuples, dictionaries and structures): the receiver of an element owns
/// every tensor in it. A step that consumes an element disposes the components it does not pass on and keeps those it
/// returns, component by component, so <c>parsed.Map(p =&gt; (p["image"], p["label"]))</c> keeps the image and the
/// label and frees the rest: the container does not take its components with it.</para>
/// </remarks>
public interface IElementStructure
{
    /// <summary>
    /// The values this element holds: tensors, other structures, tuples, or values that hold nothing to free (strings,
    /// arrays of numbers). The pipeline walks them to detach, share and dispose; a component that is
    /// <see cref="IDisposable"/> and not a structure is disposed as a whole.
    /// </summary>
    IEnumerable<object> Components { get; }

    /// <summary>Writes this element for <c>Cache(filename)</c>; <see cref="IElementStructure{TSelf}.Read"/> reads it back.</summary>
    /// <param name="writer">The cache file; <see cref="ElementCodec"/> writes tensors and the built-in element types.</param>
    void Write(BinaryWriter writer);
}

/// <summary>
/// A structure that <c>Batch</c>, <c>PaddedBatch</c>, <c>Unbatch</c> and <c>Cache</c> (memory and file) handle like the
/// built-in tuples and dictionaries. <c>ParsedFeatures</c> (the result of <c>ParseSingleExample</c>) is one.
/// </summary>
/// <typeparam name="TSelf">The implementing type.</typeparam>
public interface IElementStructure<TSelf> : IElementStructure where TSelf : IElementStructure<TSelf>
{
    /// <summary>
    /// One batch of <paramref name="elements"/> (1 or more), each component stacked along a new first axis. Must not
    /// dispose the elements (the step does).
    /// </summary>
    /// <param name="elements">The elements of the batch, in order.</param>
    /// <param name="paddingValue">Null for <c>Batch</c> (components must have equal shapes; otherwise throw naming the
    /// component and the shapes); a value for <c>PaddedBatch</c> (pad each axis to the longest in the batch).</param>
    static abstract TSelf Batch(IReadOnlyList<TSelf> elements, double? paddingValue);

    /// <summary>The elements of this batch along its first axis (for <c>Unbatch</c>); must not dispose this batch (the step does).</summary>
    IReadOnlyList<TSelf> Unbatch();

    /// <summary>
    /// A second owner's handle on this element (for <c>Cache</c> and overlapping <c>Window</c>s): new tensor handles on
    /// the same storage (<c>tensor.alias()</c>), no copy; disposing one owner's handles leaves the other's working.
    /// </summary>
    TSelf Share();

    /// <summary>Reads an element written by <see cref="IElementStructure.Write"/>.</summary>
    /// <param name="reader">The cache file.</param>
    static abstract TSelf Read(BinaryReader reader);
}
