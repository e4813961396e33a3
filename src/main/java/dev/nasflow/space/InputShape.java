package dev.nasflow.space;

/** Shape of one input sample (channels × height × width) and the number of classes of the classifier head. */
public record InputShape(int channels, int height, int width, int classes) {
    public InputShape {
        if (channels <= 0 || height <= 0 || width <= 0 || classes <= 0) {
            throw new IllegalArgumentException("input shape dimensions must be positive: " + channels + "x" + height
                    + "x" + width + ", classes " + classes);
        }
    }

    public static final InputShape CIFAR10 = new InputShape(3, 32, 32, 10);
    public static final InputShape FASHION_MNIST = new InputShape(1, 28, 28, 10);
}
