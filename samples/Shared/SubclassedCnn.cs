using Pipeline.Models;
using Pipeline.Models.Layers;
using Pipeline.Models.Saving;
using static TorchSharp.torch;

/// <summary>
/// The tutorial's CIFAR-10 network as a Model subclass (way 4: layers in fields, Call written by hand), shared by
/// samples/FiveWaysCnn, the models bench and the subclassing tests (linked into each project). Registered so that
/// Models.LoadModel can rebuild it from a saved file.
/// </summary>
[KerasSerializable(package: "FiveWaysCnn")]
internal sealed class SubclassedCnn : Model
{
    readonly Conv2D _conv1 = new(32, 3, padding: "same", activation: "relu");
    readonly MaxPooling2D _pool1 = new(2);
    readonly Conv2D _conv2 = new(64, 3, padding: "same", activation: "relu");
    readonly MaxPooling2D _pool2 = new(2);
    readonly Flatten _flatten = new();
    readonly Dense _dense1 = new(256, activation: "relu");
    readonly Dense _dense2 = new(10, activation: "softmax");

    public override Tensor Call(Tensor inputs, bool training = false)
    {
        var x = _pool1.Apply(_conv1.Apply(inputs));
        x = _pool2.Apply(_conv2.Apply(x));
        return _dense2.Apply(_dense1.Apply(_flatten.Apply(x)));
    }
}
