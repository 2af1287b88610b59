package web

import (
	"strconv"
	"strings"

	"github.com/huduma-ke/huduma/internal/requests"
)

// Coordinates as the channels receive them, checked at the edge so that the error names the
// field the client sent: decimal degrees (WGS84), both or neither, finite and in range. NaN and
// ±Inf parse as numbers (strconv reads "NaN" and "Inf") and fail every comparison, so they are
// refused by name; the store checks again for every channel.

const (
	latitudeMessage  = "Enter a latitude in degrees, from -90 to 90."
	longitudeMessage = "Enter a longitude in degrees, from -180 to 180."
	halfLocation     = "Give both latitude and longitude, in degrees."
)

// checkCoordinates adds to f what is wrong with a location, under latName and longName.
func checkCoordinates(lat, long *float64, latName, longName string, f map[string]string) {
	switch {
	case lat == nil && long != nil:
		f[latName] = halfLocation
	case lat != nil && long == nil:
		f[longName] = halfLocation
	}
	if lat != nil && !requests.ValidLatitude(*lat) {
		f[latName] = latitudeMessage
	}
	if long != nil && !requests.ValidLongitude(*long) {
		f[longName] = longitudeMessage
	}
}

// parseCoordinates reads a form's latitude and longitude ("" is absent), adding to f what is
// wrong with them; the pointers are nil unless both are given and good.
func parseCoordinates(latText, longText, latName, longName string, f map[string]string) (lat, long *float64) {
	read := func(v string) (*float64, bool) {
		if v = strings.TrimSpace(v); v == "" {
			return nil, true
		}
		x, err := strconv.ParseFloat(v, 64) // beyond float64's range: ±Inf and an error
		return &x, err == nil
	}
	lat, latOK := read(latText)
	long, longOK := read(longText)
	if !latOK {
		f[latName] = latitudeMessage
	}
	if !longOK {
		f[longName] = longitudeMessage
	}
	if latOK && longOK {
		checkCoordinates(lat, long, latName, longName, f)
	}
	_, badLat := f[latName]
	_, badLong := f[longName]
	if badLat || badLong {
		return nil, nil
	}
	return lat, long
}
