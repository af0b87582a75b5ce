@org.jspecify.annotations.NullMarked
package io.gpufleet.comfy;
